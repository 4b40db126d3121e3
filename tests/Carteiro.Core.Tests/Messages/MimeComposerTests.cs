using Carteiro.Core.Messages;
using MimeKit;

namespace Carteiro.Core.Tests.Messages;

public sealed class MimeComposerTests
{
    private static readonly DateTimeOffset Date = new(2026, 11, 25, 10, 0, 0, TimeSpan.FromHours(-3));

    private static MimeMessage Load(byte[] document)
    {
        using var input = new MemoryStream(document);
        return MimeMessage.Load(input, TestContext.Current.CancellationToken);
    }

    private static MimeComposer.Composed Compose(Draft draft, string? inReplyTo = null) =>
        MimeComposer.Compose("alice", draft, "example.org", Date, inReplyTo);

    [Fact]
    public void Document_CarriesTheHeaders()
    {
        var composed = Compose(new Draft { To = ["bob", "carol"], Cc = ["dave"], Subject = "Lunch?", Body = "Noon?" });

        var message = Load(composed.Bytes);

        Assert.Equal("alice@example.org", Assert.Single(message.From.Mailboxes).Address);
        Assert.Equal(["bob@example.org", "carol@example.org"], message.To.Mailboxes.Select(m => m.Address));
        Assert.Equal(["dave@example.org"], message.Cc.Mailboxes.Select(m => m.Address));
        Assert.Equal("Lunch?", message.Subject);
        Assert.Equal(Date, message.Date);
        Assert.False(string.IsNullOrEmpty(message.MessageId));
        Assert.Equal(composed.MessageIdHeader, $"<{message.MessageId}>");
        Assert.EndsWith("@example.org", message.MessageId, StringComparison.Ordinal);
        Assert.Equal("Noon?", message.TextBody!.TrimEnd());
    }

    [Fact]
    public void EachDocument_GetsItsOwnMessageId()
    {
        var draft = new Draft { To = ["bob"], Body = "x" };

        Assert.NotEqual(Compose(draft).MessageIdHeader, Compose(draft).MessageIdHeader);
    }

    [Fact]
    public async Task MessageIds_FollowTheOrderTheyWereMadeIn()
    {
        // The store's index of Message-IDs stays cheap only when new ids come after the old ones.
        string previous = MessageIds.New("example.org");
        for (int i = 0; i < 20; i++)
        {
            await Task.Delay(2, TestContext.Current.CancellationToken);
            string next = MessageIds.New("example.org");
            Assert.True(string.CompareOrdinal(previous, next) < 0, $"{previous} then {next}");
            previous = next;
        }
    }

    [Fact]
    public void Bcc_IsNeverInTheDocument()
    {
        var composed = Compose(new Draft { To = ["bob"], Bcc = ["zelda-secret"], Subject = "s", Body = "b" });

        var message = Load(composed.Bytes);

        Assert.Empty(message.Bcc);
        Assert.DoesNotContain("zelda-secret", System.Text.Encoding.ASCII.GetString(composed.Bytes), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Utf8SubjectAndBody_Survive()
    {
        const string subject = "Almoço às 12h — café ☕ 日本";
        const string body = "Olá, tudo bem? Ação, coração, 🍕 e ß.\nSegunda linha.";

        var composed = Compose(new Draft { To = ["bob"], Subject = subject, Body = body });

        var message = Load(composed.Bytes);
        Assert.Equal(subject, message.Subject);
        Assert.Equal(body, message.TextBody!.ReplaceLineEndings("\n").TrimEnd('\n'));
    }

    [Fact]
    public void Document_IsSevenBit()
    {
        var composed = Compose(new Draft
        {
            To = ["bob"],
            Subject = "café",
            Body = "ação ☕",
            Attachments = [new Attachment("ü.bin", "application/octet-stream", new byte[] { 0, 0xFF, 0x80 })],
        });

        Assert.All(composed.Bytes, b => Assert.True(b < 0x80, $"byte 0x{b:x2}"));
    }

    [Fact]
    public void Attachments_RoundTripByteForByte()
    {
        byte[] binary = new byte[70_000];
        new Random(5).NextBytes(binary);
        Attachment[] attachments =
        [
            new("a.txt", "text/plain", "abc"u8.ToArray()),
            new("data.bin", "application/octet-stream", binary),
            new("relatório de março.pdf", "application/pdf", new byte[] { 0x25, 0x50, 0x44, 0x46, 0x0D, 0x0A, 0x00 }),
            new("empty.dat", "application/octet-stream", Array.Empty<byte>()),
        ];

        var composed = Compose(new Draft { To = ["bob"], Body = "see attached", Attachments = attachments });
        var read = MimeComposer.ReadAttachments(composed.Bytes);

        Assert.Equal(attachments.Length, read.Count);
        for (int i = 0; i < attachments.Length; i++)
        {
            Assert.Equal(attachments[i].FileName, read[i].FileName);
            Assert.Equal(attachments[i].ContentType, read[i].ContentType);
            Assert.Equal(attachments[i].Content.ToArray(), read[i].Content.ToArray());
        }

        Assert.Equal(
            attachments.Select(a => new AttachmentInfo(a.FileName, a.ContentType, a.Content.Length)),
            composed.Attachments);
        Assert.Equal("see attached", Load(composed.Bytes).TextBody!.TrimEnd());
    }

    [Fact]
    public void NoAttachments_ReadsBackNone()
    {
        var composed = Compose(new Draft { To = ["bob"], Body = "plain" });

        Assert.Empty(MimeComposer.ReadAttachments(composed.Bytes));
        Assert.Empty(composed.Attachments);
    }

    [Fact]
    public void Reply_SetsInReplyToAndReferences()
    {
        var composed = Compose(new Draft { To = ["bob"], Body = "yes" }, inReplyTo: "<parent123@example.org>");

        var message = Load(composed.Bytes);

        Assert.Equal("parent123@example.org", message.InReplyTo);
        Assert.Equal(["parent123@example.org"], message.References);
    }

    [Fact]
    public void NewMessage_HasNoInReplyTo()
    {
        var message = Load(Compose(new Draft { To = ["bob"], Body = "x" }).Bytes);

        Assert.Null(message.InReplyTo);
        Assert.Empty(message.References);
    }

    [Fact]
    public void ToEveryone_IsAddressedToEveryone()
    {
        var message = Load(Compose(new Draft { ToEveryone = true, Body = "hello all" }).Bytes);

        Assert.Equal(["everyone@example.org"], message.To.Mailboxes.Select(m => m.Address));
    }

    [Theory]
    [InlineData("one\ntwo")]
    [InlineData("one\r\ntwo\r\n")]
    [InlineData("ação\nnão")]
    public void EveryLine_EndsWithCrlf(string body)
    {
        byte[] document = Compose(new Draft { To = ["bob"], Subject = "s", Body = body }).Bytes;

        for (int i = 0; i < document.Length; i++)
        {
            Assert.False(document[i] == '\n' && (i == 0 || document[i - 1] != '\r'), $"bare LF at offset {i}");
        }
    }

    [Theory]
    [InlineData("plain ascii\nlines", "7bit")]
    [InlineData("café", "quoted-printable")]
    [InlineData("bare\rcarriage return", "quoted-printable")]
    public void BodyEncoding_IsSevenBitWhenItCanBe(string body, string expected)
    {
        var message = Load(Compose(new Draft { To = ["bob"], Body = body }).Bytes);

        var part = Assert.IsType<TextPart>(message.Body);
        Assert.Equal(expected, part.Headers[HeaderId.ContentTransferEncoding]?.Trim());
    }

    [Fact]
    public void LongLine_IsQuotedPrintableSoNoLineExceeds998()
    {
        byte[] document = Compose(new Draft { To = ["bob"], Body = new string('x', 5000) }).Bytes;

        string text = System.Text.Encoding.ASCII.GetString(document);
        Assert.All(text.Split("\r\n"), line => Assert.True(line.Length <= 998, $"line of {line.Length}"));
        Assert.Equal(new string('x', 5000), Load(document).TextBody!.TrimEnd());
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("a", "a")]
    [InlineData("\n", "\r\n")]
    [InlineData("a\nb\r\nc\n", "a\r\nb\r\nc\r\n")]
    [InlineData("\n\n\r\n\r", "\r\n\r\n\r\n\r")]
    public void ToCrlf_TurnsOnlyBareLineFeedsIntoCrlf(string input, string expected)
    {
        Assert.Equal(expected, System.Text.Encoding.ASCII.GetString(MimeComposer.ToCrlf(System.Text.Encoding.ASCII.GetBytes(input))));
    }
}
