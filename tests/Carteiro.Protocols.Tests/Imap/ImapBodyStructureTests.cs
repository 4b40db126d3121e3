using System.Text;
using MimeKit.Utils;

namespace Carteiro.Protocols.Tests.Imap;

/// <summary>
/// BODY and BODYSTRUCTURE through <c>ImapDocument</c>. The expected strings were checked against
/// Dovecot 2.3 fed the same fixtures; where Carteiro differs on purpose, the test says so.
/// </summary>
public sealed class ImapBodyStructureTests
{
    [Fact]
    public void PlainText_HasSizeAndLinesOfTheStoredBody()
    {
        // RFC 3501's example shape; the body is 69 bytes in 2 lines. Type, subtype and
        // parameters keep the case the header gave them (Dovecot lower-cases this one).
        Assert.Equal("(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 69 2)", Written.Body(ImapFixtures.Rfc3501));
        Assert.Equal("(\"TEXT\" \"PLAIN\" (\"CHARSET\" \"US-ASCII\") NIL NIL \"7BIT\" 69 2 NIL NIL NIL NIL)", Written.BodyStructure(ImapFixtures.Rfc3501));
    }

    [Fact]
    public void Alternative_ListsItsPartsThenTheSubtype()
    {
        Assert.Equal(
            "((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"quoted-printable\" 22 0)"
            + "(\"text\" \"html\" (\"charset\" \"utf-8\") NIL NIL \"quoted-printable\" 29 0) \"alternative\")",
            Written.Body(ImapFixtures.Alternative));
    }

    [Fact]
    public void Alternative_Extended_AddsParametersDispositionLanguageLocation()
    {
        Assert.Equal(
            "((\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"quoted-printable\" 22 0 NIL NIL NIL NIL)"
            + "(\"text\" \"html\" (\"charset\" \"utf-8\") NIL NIL \"quoted-printable\" 29 0 NIL NIL NIL NIL) "
            + "\"alternative\" (\"boundary\" \"alt\") NIL NIL NIL)",
            Written.BodyStructure(ImapFixtures.Alternative));
    }

    [Fact]
    public void Mixed_WithAttachmentAndForwardedMessage_IsDovecotsBodyStructure()
    {
        const string envelope = "(\"Mon, 23 Nov 2026 09:00:00 +0100\" \"Forwarded\" ((\"Carol\" NIL \"carol\" \"example.net\")) "
            + "((\"Carol\" NIL \"carol\" \"example.net\")) ((\"Carol\" NIL \"carol\" \"example.net\")) "
            + "((\"Alice\" NIL \"alice\" \"example.org\")) NIL NIL NIL NIL)";
        const string expected = "((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 36 1 NIL NIL NIL NIL)"
            + "(\"application\" \"pdf\" (\"name\" \"report.pdf\") \"<report@example.org>\" \"The report\" \"base64\" 90 NIL "
            + "(\"attachment\" (\"filename\" \"report.pdf\")) NIL NIL)"
            + "(\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 377 " + envelope + " "
            + "((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 6 0 NIL NIL NIL NIL)"
            + "(\"text\" \"html\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" 12 0 NIL NIL (\"en\" \"pt-BR\") \"http://example.net/a.html\") "
            + "\"alternative\" (\"boundary\" \"inner\") NIL NIL NIL) 17 NIL (\"inline\" NIL) NIL NIL) "
            + "\"mixed\" (\"boundary\" \"outer\") NIL NIL NIL)";

        Assert.Equal(expected, Written.BodyStructure(ImapFixtures.Mixed));
    }

    [Fact]
    public void Mixed_Body_LeavesOutTheExtensionData()
    {
        const string expected = "((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 36 1)"
            + "(\"application\" \"pdf\" (\"name\" \"report.pdf\") \"<report@example.org>\" \"The report\" \"base64\" 90)"
            + "(\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 377 (\"Mon, 23 Nov 2026 09:00:00 +0100\" \"Forwarded\" "
            + "((\"Carol\" NIL \"carol\" \"example.net\")) ((\"Carol\" NIL \"carol\" \"example.net\")) ((\"Carol\" NIL \"carol\" \"example.net\")) "
            + "((\"Alice\" NIL \"alice\" \"example.org\")) NIL NIL NIL NIL) "
            + "((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 6 0)(\"text\" \"html\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" 12 0) \"alternative\") 17) "
            + "\"mixed\")";

        Assert.Equal(expected, Written.Body(ImapFixtures.Mixed));
    }

    [Fact]
    public void NestedMessagesAndMultiparts_FollowRfc3501sNumberingExample()
    {
        // Dovecot counts the line break after a nested multipart's closing boundary into the
        // message/rfc822 part that holds it (177 and 303 bytes, 12 and 20 lines); RFC 2046 gives
        // that line break to the boundary that follows, and so does MimeKit, and so do we.
        const string expected = "((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 7 0)"
            + "(\"application\" \"octet-stream\" NIL NIL NIL \"7bit\" 7)"
            + "(\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 175 (NIL \"part 3\" NIL NIL NIL NIL NIL NIL NIL NIL) "
            + "((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 9 0)(\"application\" \"octet-stream\" NIL NIL NIL \"7bit\" 9) \"mixed\") 11)"
            + "((\"image\" \"gif\" NIL NIL NIL \"7bit\" 9)"
            + "(\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 301 (NIL \"part 4.2\" NIL NIL NIL NIL NIL NIL NIL NIL) "
            + "((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 11 0)"
            + "((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 13 0)(\"text\" \"richtext\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 13 0) \"alternative\") "
            + "\"mixed\") 19) \"mixed\") \"mixed\")";

        Assert.Equal(expected, Written.Body(ImapFixtures.Rfc3501Parts));
    }

    [Theory]
    [InlineData("1", 36)]
    [InlineData("2", 90)]
    [InlineData("3", 377)]
    [InlineData("3.1", 6)]
    [InlineData("3.2", 12)]
    public void PartSizes_AreTheLengthsOfTheirSections(string part, int size)
    {
        Assert.Equal(size, Encoding.UTF8.GetByteCount(Written.Section(ImapFixtures.Mixed, part)!));
    }

    [Fact]
    public void EightBitParameter_IsALiteral()
    {
        Assert.Equal(
            "(\"text\" \"plain\" (\"charset\" \"utf-8\" \"name\" {9}\r\ncafé.txt) NIL NIL \"8bit\" 7 1)",
            Written.Body(ImapFixtures.EightBit));
    }

    [Fact]
    public void Rfc2231Parameter_StaysRfc2231AndSevenBit()
    {
        var document = ImapFixtures.Crlf("Content-Type: application/octet-stream\nContent-Disposition: attachment;\n filename*=utf-8''%E2%98%95%20list.txt\n\nx\n");

        string structure = Written.BodyStructure(document);

        Assert.Contains("(\"attachment\" (\"filename*\" \"utf-8''%E2%98%95%20list.txt\"))", structure, StringComparison.Ordinal);
    }

    [Fact]
    public void Rfc2047Parameter_StaysEncodedWordsAndDecodesBack()
    {
        var document = ImapFixtures.Crlf("Content-Type: application/pdf; name=\"=?utf-8?q?caf=C3=A9.pdf?=\"\n\nx\n");

        string structure = Written.BodyStructure(document);

        string value = structure.Split('"')[7];
        Assert.True(Ascii.IsValid(value), value);
        Assert.Equal("café.pdf", Rfc2047.DecodeText(Encoding.ASCII.GetBytes(value)));
    }

    [Fact]
    public void NoContentType_IsTextPlainUsAscii()
    {
        var document = ImapFixtures.Crlf("Subject: hi\n\nline one\nline two\n");

        Assert.Equal("(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 20 2)", Written.Body(document));
    }

    [Fact]
    public void TextWithoutCharset_GetsUsAscii()
    {
        var document = ImapFixtures.Crlf("Content-Type: text/html; format=flowed\n\n<p>\n");

        Assert.Equal("(\"text\" \"html\" (\"format\" \"flowed\" \"charset\" \"us-ascii\") NIL NIL \"7bit\" 5 1)", Written.Body(document));
    }

    [Fact]
    public void InvalidTransferEncoding_Reads7bit()
    {
        var document = ImapFixtures.Crlf("Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: ?invalid\n\nx\n");

        Assert.Equal("(\"text\" \"plain\" (\"charset\" \"utf-8\") NIL NIL \"7bit\" 3 1)", Written.Body(document));
    }

    [Fact]
    public void ExtensionFields_AreTheStoredValues()
    {
        var document = ImapFixtures.Crlf(
            "Content-Type: image/png\nContent-Transfer-Encoding: BASE64\nContent-ID: <logo@example.org>\n"
            + "Content-Description: The\n logo\nContent-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==\nContent-Disposition: inline; filename=logo.png\n"
            + "Content-Language: pt\nContent-Location: logo.png\n\niVBORw0KGgo=\n");

        Assert.Equal(
            "(\"image\" \"png\" NIL \"<logo@example.org>\" \"The logo\" \"BASE64\" 14 \"Q2hlY2sgSW50ZWdyaXR5IQ==\" "
            + "(\"inline\" (\"filename\" \"logo.png\")) (\"pt\") \"logo.png\")",
            Written.BodyStructure(document));
    }

    [Fact]
    public void MultipartWhoseBoundaryNeverComes_HoldsOneEmptyTextPart()
    {
        var document = ImapFixtures.Crlf("Content-Type: multipart/mixed; boundary=never\n\njust text\n");

        Assert.Equal("((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0) \"mixed\")", Written.Body(document));
        Assert.Equal(
            "((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0 NIL NIL NIL NIL) \"mixed\" (\"boundary\" \"never\") NIL NIL NIL)",
            Written.BodyStructure(document));
    }

    [Fact]
    public void Base64MessagePart_KeepsTheMessageShapeWithAnEmptyEnvelope()
    {
        // MimeKit will not read a message/rfc822 part in base64 (RFC 2046 forbids it); clients
        // still expect an envelope and a body after the basic fields.
        var document = ImapFixtures.Crlf("Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: message/rfc822\n"
            + "Content-Transfer-Encoding: base64\n\nRnJvbTogYUBiDQoNCmhpDQo=\n--b--\n");

        Assert.Equal(
            "((\"message\" \"rfc822\" NIL NIL NIL \"base64\" 24 (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL) "
            + "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0) 0) \"mixed\")",
            Written.Body(document));
    }

    [Fact]
    public void DigestParts_DefaultToMessageRfc822()
    {
        var document = ImapFixtures.Crlf("Content-Type: multipart/digest; boundary=b\n\n--b\n\nSubject: one\n\nhi\n--b--\n");

        Assert.Equal(
            "((\"message\" \"rfc822\" NIL NIL NIL \"7bit\" 18 (NIL \"one\" NIL NIL NIL NIL NIL NIL NIL NIL) "
            + "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 2 0) 2) \"digest\")",
            Written.Body(document));
    }

    [Fact]
    public void LineFeedOnlyDocument_CountsItsOwnBytes()
    {
        var document = Encoding.ASCII.GetBytes("Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nhi\nthere\n--b--\n");

        Assert.Equal("((\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 8 1) \"mixed\")", Written.Body(document));
    }

    [Fact]
    public void Garbage_IsOneTextPartOfAllItsBytes()
    {
        // Dovecot would read the first line as a (broken) header and count 3 bytes; MimeKit finds
        // no header at all, so all 12 bytes are the body.
        Assert.Equal("(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 12 3)", Written.Body(ImapFixtures.Garbage));
    }

    [Fact]
    public void EmptyDocument_IsAnEmptyTextPart()
    {
        Assert.Equal("(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0 NIL NIL NIL NIL)", Written.BodyStructure([]));
    }
}
