using System.Runtime.InteropServices;
using System.Text;
using Carteiro.Protocols.Imap;

namespace Carteiro.Protocols.Tests.Imap;

/// <summary>
/// FETCH BODY[section] bytes, on the part tree of RFC 3501's numbering example. The expected
/// bytes are cut from the fixture text by hand (and match what Dovecot 2.3 serves, but for the
/// line break after a closing boundary, which RFC 2046 gives to the boundary that follows).
/// </summary>
public sealed class ImapDocumentSectionTests
{
    private const string Part3 = "Subject: part 3\r\nContent-Type: multipart/mixed; boundary=\"b3\"\r\n\r\n"
        + "--b3\r\nContent-Type: text/plain\r\n\r\nPart 3.1.\r\n--b3\r\nContent-Type: application/octet-stream\r\n\r\nPart 3.2.\r\n--b3--";

    private const string Part422 = "--b422\r\nContent-Type: text/plain\r\n\r\nPart 4.2.2.1.\r\n--b422\r\nContent-Type: text/richtext\r\n\r\nPart 4.2.2.2.\r\n--b422--";

    private const string Part42Text = "--b42\r\nContent-Type: text/plain\r\n\r\nPart 4.2.1.\r\n--b42\r\n"
        + "Content-Type: multipart/alternative; boundary=\"b422\"\r\n\r\n" + Part422 + "\r\n--b42--";

    private const string Part42Header = "Subject: part 4.2\r\nContent-Type: multipart/mixed; boundary=\"b42\"\r\n\r\n";

    public static TheoryData<string, string> Parts => new()
    {
        { "1", "Part 1." },
        { "2", "Part 2." },
        { "3", Part3 },
        { "3.HEADER", "Subject: part 3\r\nContent-Type: multipart/mixed; boundary=\"b3\"\r\n\r\n" },
        { "3.TEXT", Part3[Part3.IndexOf("--b3", StringComparison.Ordinal)..] },
        { "3.MIME", "Content-Type: message/rfc822\r\n\r\n" },
        { "3.1", "Part 3.1." },
        { "3.2", "Part 3.2." },
        { "4", "--b4\r\nContent-Type: image/gif\r\n\r\nPart 4.1.\r\n--b4\r\nContent-Type: message/rfc822\r\n\r\n" + Part42Header + Part42Text + "\r\n--b4--" },
        { "4.1", "Part 4.1." },
        { "4.1.MIME", "Content-Type: image/gif\r\n\r\n" },
        { "4.2", Part42Header + Part42Text },
        { "4.2.HEADER", Part42Header },
        { "4.2.TEXT", Part42Text },
        { "4.2.1", "Part 4.2.1." },
        { "4.2.2", Part422 },
        { "4.2.2.MIME", "Content-Type: multipart/alternative; boundary=\"b422\"\r\n\r\n" },
        { "4.2.2.1", "Part 4.2.2.1." },
        { "4.2.2.2", "Part 4.2.2.2." },
        { "HEADER", "From: a@example.org\r\nSubject: parts\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n" },
    };

    [Theory]
    [MemberData(nameof(Parts))]
    public void Section_IsItsStoredBytes(string spec, string expected)
    {
        Assert.Equal(expected, Written.Section(ImapFixtures.Rfc3501Parts, spec));
    }

    [Theory]
    [InlineData("5")]
    [InlineData("1.1")]
    [InlineData("4.3")]
    [InlineData("3.3")]
    [InlineData("4.2.2.3")]
    [InlineData("2.HEADER")]
    [InlineData("1.TEXT")]
    [InlineData("4.1.HEADER.FIELDS (Subject)")]
    [InlineData("1.2.3.4.5")]
    public void MissingPart_IsNotFound(string spec)
    {
        Assert.Null(Written.Section(ImapFixtures.Rfc3501Parts, spec));
    }

    [Fact]
    public void HeaderAndText_MakeTheWholeMessage()
    {
        string header = Written.Section(ImapFixtures.Rfc3501Parts, "HEADER")!;
        string text = Written.Section(ImapFixtures.Rfc3501Parts, "TEXT")!;

        Assert.Equal(Encoding.UTF8.GetString(ImapFixtures.Rfc3501Parts), header + text);
        Assert.StartsWith("--b1\r\n", text, StringComparison.Ordinal);
        Assert.Equal(Encoding.UTF8.GetString(ImapFixtures.Rfc3501Parts), Written.Section(ImapFixtures.Rfc3501Parts, ""));
    }

    [Fact]
    public void HeaderFields_AreTheNamedLinesThenAnEmptyLine()
    {
        Assert.Equal("Subject: parts\r\n\r\n", Written.Section(ImapFixtures.Rfc3501Parts, "HEADER.FIELDS (SUBJECT)"));
        Assert.Equal("Subject: part 3\r\n\r\n", Written.Section(ImapFixtures.Rfc3501Parts, "3.HEADER.FIELDS (subject)"));
    }

    [Fact]
    public void HeaderFields_KeepStoredOrderAndFolding()
    {
        string fields = Written.Section(ImapFixtures.Edges, "HEADER.FIELDS (Subject Message-ID FROM)")!;

        Assert.Equal(
            "From: =?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>\r\n"
            + "Subject: =?utf-8?q?caf=C3=A9?= and\r\n a long\r\n\tfolded subject\r\n"
            + "Message-ID:\r\n <folded-id@example.org>\r\n\r\n",
            fields);
    }

    [Fact]
    public void HeaderFieldsNot_AreTheOtherLinesThenAnEmptyLine()
    {
        Assert.Equal(
            "From: a@example.org\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n",
            Written.Section(ImapFixtures.Rfc3501Parts, "HEADER.FIELDS.NOT (Subject MIME-Version)"));
    }

    [Fact]
    public void HeaderFields_NoneMatching_IsJustTheEmptyLine()
    {
        Assert.Equal("\r\n", Written.Section(ImapFixtures.Rfc3501Parts, "HEADER.FIELDS (X-Nothing)"));
    }

    [Fact]
    public void SinglePartMessage_HasOnlyAPartOne()
    {
        var document = ImapFixtures.Crlf("Subject: one\nContent-Type: text/plain\n\nthe body\n");

        Assert.Equal("the body\r\n", Written.Section(document, "1"));
        Assert.Equal("Subject: one\r\nContent-Type: text/plain\r\n\r\n", Written.Section(document, "1.MIME"));
        Assert.Equal("the body\r\n", Written.Section(document, "TEXT"));
        Assert.Null(Written.Section(document, "2"));
        Assert.Null(Written.Section(document, "1.1"));
        Assert.Null(Written.Section(document, "1.HEADER"));
    }

    [Fact]
    public void MessageThatIsAMessageRfc822_HasTheCarriedMessageAsPartOne()
    {
        var document = ImapFixtures.Crlf("Content-Type: message/rfc822\n\nSubject: inner\n\ninner body\n");

        Assert.Equal("Subject: inner\r\n\r\ninner body\r\n", Written.Section(document, "1"));
        Assert.Equal("Subject: inner\r\n\r\n", Written.Section(document, "1.HEADER"));
        Assert.Equal("inner body\r\n", Written.Section(document, "1.TEXT"));
        Assert.Equal("inner body\r\n", Written.Section(document, "1.1"));
    }

    [Fact]
    public void HeaderWithoutBody_IsAllHeader()
    {
        var document = Encoding.ASCII.GetBytes("Subject: no body\r\nFrom: a@example.org");

        Assert.Equal("Subject: no body\r\nFrom: a@example.org", Written.Section(document, "HEADER"));
        Assert.Equal("", Written.Section(document, "TEXT"));
        Assert.Equal("From: a@example.org\r\n\r\n", Written.Section(document, "HEADER.FIELDS (From)"));
    }

    [Fact]
    public void Garbage_HasNoHeaderAndIsAllText()
    {
        Assert.Equal("", Written.Section(ImapFixtures.Garbage, "HEADER"));
        Assert.Equal(ImapFixtures.Garbage, Encoding.Latin1.GetBytes(LatinSection(ImapFixtures.Garbage, "TEXT")));
        Assert.Equal(ImapFixtures.Garbage, Encoding.Latin1.GetBytes(LatinSection(ImapFixtures.Garbage, "1")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("HEADER")]
    [InlineData("TEXT")]
    [InlineData("3")]
    [InlineData("4.2.2.1")]
    [InlineData("4.1.MIME")]
    public void Section_IsASliceOfTheStoredArray(string spec)
    {
        // Served as stored: the bytes are the document's own, never re-serialised.
        var document = ImapFixtures.Rfc3501Parts;
        Assert.True(BodySection.TryParse(spec, out var section, out _));

        Assert.True(ImapDocument.Parse(document).TryGetSection(section, out var bytes));

        Assert.True(MemoryMarshal.TryGetArray(bytes, out var segment));
        Assert.Same(document, segment.Array);
    }

    private static string LatinSection(byte[] document, string spec)
    {
        Assert.True(BodySection.TryParse(spec, out var section, out _));
        Assert.True(ImapDocument.Parse(document).TryGetSection(section, out var bytes));
        return Encoding.Latin1.GetString(bytes.Span);
    }
}
