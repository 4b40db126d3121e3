using System.Text;
using Carteiro.Core.Messages;
using MimeKit;

namespace Carteiro.Core.Tests.Messages;

/// <summary>
/// The shortcut for plain-text parts must give exactly what MimeKit gives, and step aside for
/// every part it does not read. Checked against MimeKit itself on drawn texts.
/// </summary>
public sealed class PlainTextTests
{
    private static readonly string[] Pieces = ["a", "\r", "\n", "\r\n", "é", "😀", " ", "."];

    [Theory]
    [InlineData(null, null)]
    [InlineData("utf-8", null)]
    [InlineData("UTF-8", "8bit")]
    [InlineData("us-ascii", "7bit")]
    [InlineData(null, "binary")]
    public void WhatItReads_IsExactlyWhatMimeKitReads(string? charset, string? transferEncoding)
    {
        var random = new Random(26112026);
        int read = 0;
        for (int round = 0; round < 2000; round++)
        {
            string content = Draw(random);
            var part = Parse(charset, transferEncoding, Encoding.UTF8.GetBytes(content));

            if (PlainText.TryRead(part, out string? text))
            {
                read++;
                Assert.Equal(part.Text, text);
            }
            else
            {
                // Only what the shortcut must not read: non-ASCII under us-ascii, no content at all,
                // and content that ends in a lone CR.
                Assert.True((charset == "us-ascii" && !Ascii.IsValid(content)) || part.Content is null || content.EndsWith('\r'), $"not read: {content.Replace("\r", "\\r", StringComparison.Ordinal)}");
            }
        }

        Assert.True(read > 300, $"only {read} of 2000 read");
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("utf-8", "8bit")]
    [InlineData("us-ascii", "7bit")]
    public void WhereItLocatesTheText_TheDocumentsTailReadsAsExactlyWhatMimeKitReads(string? charset, string? transferEncoding)
    {
        var random = new Random(25112026);
        int located = 0;
        for (int round = 0; round < 2000; round++)
        {
            string content = Draw(random) + (random.Next(4) == 0 ? "\0" : "");
            byte[] document = Document(charset, transferEncoding, Encoding.UTF8.GetBytes(content));
            var part = Assert.IsType<TextPart>(MimeMessage.Load(new MemoryStream(document, 0, document.Length, writable: false), persistent: true, TestContext.Current.CancellationToken).Body);

            if (PlainText.TryLocate(part, document, out int start))
            {
                located++;
                Assert.Equal(part.Text, Encoding.UTF8.GetString(document.AsSpan(start)).Replace("\r\n", "\n", StringComparison.Ordinal));
                Assert.DoesNotContain((byte)0, document.AsSpan(start).ToArray());
            }
            else
            {
                Assert.True(!PlainText.TryRead(part, out _) || content.Contains('\0'), $"not located: {content.Replace("\r", "\\r", StringComparison.Ordinal)}");
            }
        }

        Assert.True(located > 300, $"only {located} of 2000 located");
    }

    [Fact]
    public void ATextThatIsNotTheDocumentsTail_IsNotLocated()
    {
        byte[] document = "Subject: s\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\ninside\r\n--b--\r\n"u8.ToArray();
        var message = MimeMessage.Load(new MemoryStream(document, 0, document.Length, writable: false), persistent: true, TestContext.Current.CancellationToken);
        var part = Assert.IsType<TextPart>(Assert.IsType<Multipart>(message.Body)[0]);

        Assert.True(PlainText.TryRead(part, out _));
        Assert.False(PlainText.TryLocate(part, document, out _));
    }

    [Theory]
    [InlineData("iso-8859-1", null, "caf\u00e9\r\n")]
    [InlineData("utf-8", "quoted-printable", "caf=C3=A9\r\n")]
    [InlineData("utf-8", "base64", "Y2Fmw6kNCg==\r\n")]
    [InlineData(null, null, "\uFEFFwith a byte-order mark\r\n")]
    public void PartsItDoesNotRead_AreLeftToMimeKit(string? charset, string? transferEncoding, string content)
    {
        byte[] bytes = charset == "iso-8859-1" ? Encoding.Latin1.GetBytes(content) : Encoding.UTF8.GetBytes(content);

        Assert.False(PlainText.TryRead(Parse(charset, transferEncoding, bytes), out _));
    }

    [Fact]
    public void ContentThatIsNotUtf8_IsLeftToMimeKit()
    {
        byte[] bytes = [.. "caf"u8, 0xE9, .. "\r\n"u8];

        Assert.False(PlainText.TryRead(Parse(null, null, bytes), out _));
    }

    private static TextPart Parse(string? charset, string? transferEncoding, byte[] content) =>
        Assert.IsType<TextPart>(MimeMessage.Load(new MemoryStream(Document(charset, transferEncoding, content))).Body);

    private static byte[] Document(string? charset, string? transferEncoding, byte[] content)
    {
        var header = new StringBuilder("Subject: s\r\nContent-Type: text/plain");
        if (charset is not null)
        {
            header.Append("; charset=").Append(charset);
        }

        header.Append("\r\n");
        if (transferEncoding is not null)
        {
            header.Append("Content-Transfer-Encoding: ").Append(transferEncoding).Append("\r\n");
        }

        return [.. Encoding.ASCII.GetBytes(header.Append("\r\n").ToString()), .. content];
    }

    private static string Draw(Random random)
    {
        var text = new StringBuilder();
        int count = random.Next(0, 9);
        for (int i = 0; i < count; i++)
        {
            text.Append(Pieces[random.Next(Pieces.Length)]);
        }

        return text.ToString();
    }
}
