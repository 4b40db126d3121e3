using System.Text;
using Carteiro.TestKit;
using Carteiro.Web.Tests.Support;

namespace Carteiro.Web.Tests;

/// <summary>Attachments go in as base64 JSON and come back byte for byte as downloads.</summary>
public sealed class AttachmentTests(WebFixture fixture) : IClassFixture<WebFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task Attachments_RoundTripByteExact_WithUtf8Names_AsDownloads()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var bob = await WebUser.NewAsync(_server, "bob");
        var binary = new byte[300 * 1024 + 7];
        new Random(4481).NextBytes(binary);
        string binaryName = "relatório – ação 日本 ñ.bin";
        byte[] text = Encoding.UTF8.GetBytes("line one\nline two\r\nçã € 😀\n");
        string textName = "notes.txt";

        var sent = (await alice.PostAsync("api/messages", new
        {
            to = new[] { bob.User },
            subject = "files",
            body = "two attached",
            attachments = new object[]
            {
                new { name = binaryName, type = "application/octet-stream", content = Convert.ToBase64String(binary) },
                new { name = textName, type = "text/plain", content = Convert.ToBase64String(text) },
            },
        })).AssertStatus(201).Json;

        var summary = await bob.FindAsync(sent.Long("message"));
        Assert.Equal(2, summary.Long("attachmentCount"));
        var message = await bob.PeekAsync(summary.Long("id"));
        var attachments = message.Items("attachments");
        Assert.Equal(2, attachments.Count);
        Assert.Equal(0, attachments[0].Long("index"));
        Assert.Equal(binaryName, attachments[0].Str("name"));
        Assert.Equal("application/octet-stream", attachments[0].Str("type"));
        Assert.Equal(binary.Length, attachments[0].Long("size"));
        Assert.Equal(1, attachments[1].Long("index"));
        Assert.Equal(textName, attachments[1].Str("name"));
        Assert.StartsWith("text/plain", attachments[1].Str("type"), StringComparison.Ordinal);
        Assert.Equal(text.Length, attachments[1].Long("size"));

        var first = (await bob.GetAsync($"api/messages/{summary.Long("id")}/attachments/0")).AssertStatus(200);
        Assert.Equal(binary, first.Bytes);
        Assert.Equal("application/octet-stream", first.MediaType);
        var disposition = first.ContentHeaders.ContentDisposition;
        Assert.NotNull(disposition);
        Assert.Equal("attachment", disposition.DispositionType);
        Assert.Equal(binaryName, disposition.FileNameStar ?? disposition.FileName?.Trim('"'));
        Assert.Equal("nosniff", first.Header("X-Content-Type-Options"));

        var second = (await bob.GetAsync($"api/messages/{summary.Long("id")}/attachments/1")).AssertStatus(200);
        Assert.Equal(text, second.Bytes);
        Assert.Equal("attachment", second.ContentHeaders.ContentDisposition?.DispositionType);

        // The sender's copy carries the same files.
        Assert.Equal(binary, (await alice.GetAsync($"api/messages/{sent.Long("id")}/attachments/0")).AssertStatus(200).Bytes);
        (await bob.GetAsync($"api/messages/{summary.Long("id")}/attachments/2")).AssertProblem(404, "no-such-message");
        (await bob.GetAsync($"api/messages/{summary.Long("id")}/attachments/-1")).AssertProblem(404, "no-such-message");
    }

    [Fact]
    public async Task HtmlAttachment_IsADownload_NeverRenderedInline()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        byte[] html = Encoding.UTF8.GetBytes("<html><script>alert(1)</script></html>");

        var sent = (await alice.PostAsync("api/messages", new
        {
            to = new[] { alice.User },
            subject = "page",
            body = "x",
            attachments = new[] { new { name = "page.html", type = "text/html", content = Convert.ToBase64String(html) } },
        })).AssertStatus(201).Json;

        var file = (await alice.GetAsync($"api/messages/{sent.Long("id")}/attachments/0")).AssertStatus(200);
        Assert.Equal(html, file.Bytes);
        Assert.Equal("attachment", file.ContentHeaders.ContentDisposition?.DispositionType);
        Assert.Equal("nosniff", file.Header("X-Content-Type-Options"));
        Assert.Contains("script-src 'self'", file.Header("Content-Security-Policy") ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Raw_IsMessageRfc822_WithCrlfLineEnds()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var bob = await WebUser.NewAsync(_server, "bob");
        var sent = (await alice.PostAsync("api/messages", new
        {
            to = new[] { bob.User },
            subject = "raw check",
            body = "first line\nsecond line\r\nthird line",
            attachments = new[] { new { name = "a.bin", type = "application/octet-stream", content = Convert.ToBase64String(new byte[] { 0, 10, 13, 10, 255 }) } },
        })).AssertStatus(201).Json;
        long id = (await bob.FindAsync(sent.Long("message"))).Long("id");

        var raw = (await bob.GetAsync($"api/messages/{id}/raw")).AssertStatus(200);

        Assert.Equal("message/rfc822", raw.MediaType);
        Assert.True(raw.Bytes.Length > 0);
        for (int i = 0; i < raw.Bytes.Length; i++)
        {
            if (raw.Bytes[i] == (byte)'\n')
            {
                Assert.True(i > 0 && raw.Bytes[i - 1] == (byte)'\r', $"bare LF at byte {i}");
            }
            else if (raw.Bytes[i] == (byte)'\r')
            {
                Assert.True(i + 1 < raw.Bytes.Length && raw.Bytes[i + 1] == (byte)'\n', $"bare CR at byte {i}");
            }
        }

        string text = raw.Text;
        Assert.Contains("Subject: raw check\r\n", text, StringComparison.Ordinal);
        Assert.Contains("Message-ID: " + (await bob.PeekAsync(id)).Str("messageId"), text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\r\n\r\n", text, StringComparison.Ordinal);

        // Reading the raw document does not mark the message seen.
        Assert.Empty((await bob.PeekAsync(id)).Flags());
    }
}
