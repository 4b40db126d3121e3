using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Carteiro.Core;
using Carteiro.TestKit;
using Carteiro.Web.Tests.Support;

namespace Carteiro.Web.Tests;

/// <summary>Refusals: each is a problem document with the native protocol's code, and stores nothing.</summary>
public sealed class ErrorTests(WebFixture fixture) : IClassFixture<WebFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task UnknownRecipients_422NamingEveryOne_AndNothingStored()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var bob = await WebUser.NewAsync(_server, "bob");
        string ghost = UniqueName.Of("ghost");
        string phantom = UniqueName.Of("phantom");
        string spectre = UniqueName.Of("spectre");

        var answer = await alice.PostAsync("api/messages", new { to = new[] { bob.User, ghost }, cc = new[] { phantom }, bcc = new[] { spectre }, subject = "hello?", body = "x" });

        var problem = answer.AssertProblem(422, "unknown-recipient");
        Assert.Equal(new[] { ghost, phantom, spectre }.Order(StringComparer.Ordinal), problem.Strings("names").Order(StringComparer.Ordinal));
        Assert.Equal(0, (await alice.FolderAsync("Sent")).Long("total"));
        Assert.Equal(0, (await bob.FolderAsync("Inbox")).Long("total"));
    }

    [Fact]
    public async Task NoRecipients_422NoRecipients()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");

        (await alice.PostAsync("api/messages", new { to = Array.Empty<string>(), subject = "to nobody", body = "x" })).AssertProblem(422, "no-recipients");
        (await alice.PostAsync("api/messages", new { subject = "to nobody", body = "x" })).AssertProblem(422, "no-recipients");
        (await alice.PostAsync("api/messages", new { to = new[] { " ", "" }, subject = "to nobody", body = "x" })).AssertProblem(422, "no-recipients");
        Assert.Equal(0, (await alice.FolderAsync("Sent")).Long("total"));
    }

    [Fact]
    public async Task SubjectOver998Chars_422SubjectTooLong_998Accepted()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var bob = await WebUser.NewAsync(_server, "bob");

        (await alice.PostAsync("api/messages", new { to = new[] { bob.User }, subject = new string('s', 999), body = "x" })).AssertProblem(422, "subject-too-long");
        Assert.Equal(0, (await bob.FolderAsync("Inbox")).Long("total"));

        var sent = (await alice.PostAsync("api/messages", new { to = new[] { bob.User }, subject = new string('s', 998), body = "x" })).AssertStatus(201).Json;
        Assert.Equal(998, (await bob.FindAsync(sent.Long("message"))).Str("subject").Length);
    }

    [Theory]
    [InlineData("api/messages", "{\"to\": [\"bob\"], \"subject\": ")]
    [InlineData("api/messages", "not json at all")]
    [InlineData("api/messages", "{\"to\": \"bob\", \"subject\": \"s\"}")]
    [InlineData("api/messages", "{\"to\": [\"bob\"], \"everyone\": \"yes\"}")]
    [InlineData("api/messages", "{\"to\": [\"bob\"], \"attachments\": [{\"name\": \"a\", \"content\": \"***not base64***\"}]}")]
    [InlineData("api/tokens", "{\"label\": ")]
    [InlineData("api/password", "[1, 2")]
    public async Task MalformedJson_400BadSyntaxProblem(string path, string body)
    {
        using var alice = await WebUser.NewAsync(_server, "alice");

        var answer = await alice.PostAsync(path, body);

        answer.AssertProblem(400, "bad-syntax");
        Assert.Equal("application/problem+json", answer.MediaType);
        Assert.Equal(0, (await alice.FolderAsync("Sent")).Long("total"));
    }

    [Fact]
    public async Task MalformedJson_BeforeSignIn_400BadSyntax()
    {
        using var web = WebUser.Anonymous(_server);

        (await web.PostAsync("api/session", "{\"user\": ")).AssertProblem(400, "bad-syntax");
        (await web.PostAsync("api/register", "{\"user\": 5, \"password\": true}")).AssertProblem(400, "bad-syntax");
    }

    [Fact]
    public async Task MalformedQuery_400BadSyntax()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");

        (await alice.GetAsync("api/folders/Inbox/messages?limit=lots")).AssertProblem(400, "bad-syntax");
        (await alice.GetAsync("api/messages/1?peek=maybe")).AssertProblem(400, "bad-syntax");
    }

    [Theory]
    [InlineData("GET", "api/nope")]
    [InlineData("GET", "api/messages/not-a-number")]
    [InlineData("GET", "api/")]
    [InlineData("HEAD", "api/nope")]
    [InlineData("POST", "api/nope")]
    [InlineData("PUT", "api/nope/deeper")]
    [InlineData("DELETE", "api/nope")]
    public async Task UnknownApiPath_AnyMethod_404Problem(string method, string path)
    {
        using var alice = await WebUser.NewAsync(_server, "alice");

        var answer = await alice.SendAsync(new HttpMethod(method), path, method is "GET" or "HEAD" ? null : "{}");

        if (method == "HEAD")
        {
            answer.AssertStatus(404);
            return;
        }

        answer.AssertProblem(404, "unknown-command");
    }

    [Theory]
    [InlineData("DELETE", "api/folders")]
    [InlineData("PUT", "api/messages/1")]
    [InlineData("POST", "api/server")]
    public async Task KnownPath_WrongMethod_AnsweredWithProblem(string method, string path)
    {
        using var alice = await WebUser.NewAsync(_server, "alice");

        var answer = await alice.SendAsync(new HttpMethod(method), path, "{}");

        Assert.True(answer.Code is 404 or 405, answer.ToString());
        Assert.True(answer.MediaType == "application/problem+json", $"every error is a problem document; got {answer}");
        Assert.Equal(answer.Code, answer.Json.Long("status"));
    }

    [Fact]
    public async Task UnknownApiPath_Get_404WithCode()
    {
        using var web = WebUser.Anonymous(_server);

        var answer = await web.GetAsync("api/no/such/thing");

        var problem = answer.AssertProblem(404, "unknown-command");
        Assert.Contains("/api/no/such/thing", problem.Str("detail"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendOnNonJsonContentType_RefusedWithProblem()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/messages")
        {
            Content = new StringContent("{\"to\": [\"x\"]}", Encoding.UTF8, "text/plain"),
        };
        request.Headers.Add(WebUser.CsrfHeader, alice.Csrf);

        var answer = await alice.SendAsync(request);

        Assert.True(answer.Code is 400 or 415, answer.ToString());
        Assert.True(answer.MediaType == "application/problem+json", answer.ToString());
        Assert.Equal(0, (await alice.FolderAsync("Sent")).Long("total"));
    }

    [Fact]
    public async Task NonSendEndpoints_RefuseBodiesOver64KiB_With413()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        string big = "{\"label\": \"" + new string('x', 70 * 1024) + "\"}";

        (await alice.PostAsync("api/tokens", big)).AssertProblem(413, "payload-too-large");
        (await alice.PatchAsync("api/messages/1", big)).AssertProblem(413, "payload-too-large");
        (await alice.PostAsync("api/password", big)).AssertProblem(413, "payload-too-large");
        using var anonymous = WebUser.Anonymous(_server);
        (await anonymous.PostAsync("api/session", big)).AssertProblem(413, "payload-too-large");
    }

    [Fact]
    public async Task NonSendEndpoints_Exactly64KiB_IsNotTooLarge()
    {
        using var anonymous = WebUser.Anonymous(_server);
        string prefix = "{\"user\": \"nobody-here\", \"password\": \"";
        string body = prefix + new string('p', 64 * 1024 - prefix.Length - 2) + "\"}";
        Assert.Equal(64 * 1024, Encoding.UTF8.GetByteCount(body));

        (await anonymous.PostAsync("api/session", body)).AssertProblem(401, "auth-failed");
        string over = prefix + new string('p', 64 * 1024 - prefix.Length - 1) + "\"}";
        (await anonymous.PostAsync("api/session", over)).AssertProblem(413, "payload-too-large");
    }

    [Fact]
    public async Task NonSendEndpoint_ChunkedBodyOver64KiB_413()
    {
        var answer = await PostChunkedAsync(WebUser.Anonymous(_server), "api/session", "{\"user\": \"someone\", \"password\": \"" + new string('x', 100 * 1024) + "\"}");

        answer.AssertStatus(413);
    }

    [Fact]
    public async Task NonSendEndpoint_ChunkedBodyOver64KiB_AnsweredWithProblemDocument()
    {
        var answer = await PostChunkedAsync(WebUser.Anonymous(_server), "api/session", "{\"user\": \"someone\", \"password\": \"" + new string('x', 100 * 1024) + "\"}");

        answer.AssertProblem(413, "payload-too-large");
    }

    /// <summary>Posts <paramref name="body"/> with Transfer-Encoding: chunked (no Content-Length).</summary>
    internal static async Task<ApiResponse> PostChunkedAsync(WebUser web, string path, string body, TimeSpan pauseEvery64KiB = default)
    {
        using (web)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path)
            {
                Content = new StreamContent(new UnseekableStream(Encoding.UTF8.GetBytes(body), pauseEvery64KiB)),
            };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.TransferEncodingChunked = true;
            if (web.Csrf is not null)
            {
                request.Headers.Add(WebUser.CsrfHeader, web.Csrf);
            }

            Assert.Null(request.Content.Headers.ContentLength);
            return await web.SendAsync(request);
        }
    }
}

/// <summary>A server whose limits are small enough to reach in a test.</summary>
public sealed class SmallLimitsFixture : WebFixture
{
    public const long MaxMessageSize = 64 * 1024;

    protected override CarteiroOptions Configure(CarteiroOptions options) =>
        options with { MaxMessageSize = MaxMessageSize, MaxRecipients = 3, MaxAttachments = 2 };
}

/// <summary>Limits that depend on the server's options.</summary>
public sealed class LimitTests(SmallLimitsFixture fixture) : IClassFixture<SmallLimitsFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task Server_ReportsConfiguredLimits()
    {
        using var web = WebUser.Anonymous(_server);

        var limits = (await web.GetAsync("api/server")).AssertStatus(200).Json.Prop("limits");

        Assert.Equal(SmallLimitsFixture.MaxMessageSize, limits.Long("maxMessageSize"));
        Assert.Equal(3, limits.Long("maxRecipients"));
        Assert.Equal(2, limits.Long("maxAttachments"));
    }

    [Fact]
    public async Task SendBody_DeclaredOverLimit_413AtOnce_BeforeTheBodyIsSent()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        await using var raw = await RawHttp.ConnectAsync(_server.HttpBase);
        var uri = _server.HttpBase;

        // Declares 50 MB but sends only the start: the answer must come without the rest.
        await raw.TryWriteAsync(
            $"POST /api/messages HTTP/1.1\r\nHost: {uri.Authority}\r\nContent-Type: application/json\r\n" +
            $"Cookie: {WebUser.CookieName}={alice.SessionCookie}\r\n{WebUser.CsrfHeader}: {alice.Csrf}\r\n" +
            "Content-Length: 50000000\r\n\r\n{\"to\": [\"x\"], \"body\": \"");
        var (status, head, body) = await raw.ReadResponseAsync(TimeSpan.FromSeconds(5));

        Assert.True(status == 413, $"expected 413, got {head}\n{body}");
        Assert.Contains("application/problem+json", head, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"code\":\"payload-too-large\"", body.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal(0, (await alice.FolderAsync("Sent")).Long("total"));
    }

    [Fact]
    public async Task SendBody_ChunkedOverLimit_413()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        await using var raw = await RawHttp.ConnectAsync(_server.HttpBase);
        var uri = _server.HttpBase;
        await raw.TryWriteAsync(
            $"POST /api/messages HTTP/1.1\r\nHost: {uri.Authority}\r\nContent-Type: application/json\r\n" +
            $"Cookie: {WebUser.CookieName}={alice.SessionCookie}\r\n{WebUser.CsrfHeader}: {alice.Csrf}\r\n" +
            "Transfer-Encoding: chunked\r\n\r\n");
        byte[] start = Encoding.ASCII.GetBytes("{\"to\": [\"" + alice.User + "\"], \"subject\": \"big\", \"body\": \"");
        await raw.TryWriteAsync(Chunk(start));
        byte[] filler = Chunk(Encoding.ASCII.GetBytes(new string('b', 64 * 1024)));

        // About 2 MB, well over the send limit (~1.1 MB here); the server may stop reading early.
        for (int i = 0; i < 32; i++)
        {
            if (!await raw.TryWriteAsync(filler))
            {
                break;
            }
        }

        var (status, head, body) = await raw.ReadResponseAsync(TimeSpan.FromSeconds(10));

        Assert.True(status == 413, $"expected 413, got {head}\n{body}");
        Assert.Equal(0, (await alice.FolderAsync("Sent")).Long("total"));
    }

    [Fact]
    public async Task SendBody_ChunkedOverLimit_AnsweredWithProblemDocument()
    {
        var alice = await WebUser.NewAsync(_server, "alice");
        string user = alice.User;
        string body = "{\"to\": [\"" + user + "\"], \"subject\": \"big\", \"body\": \"" + new string('b', 2 * 1024 * 1024) + "\"}";

        var answer = await ErrorTests.PostChunkedAsync(alice, "api/messages", body);

        answer.AssertProblem(413, "payload-too-large");
    }

    [Fact]
    public async Task SendBody_ChunkedOverLimit_FromASlowClient_IsReadAwaySoTheClientReadsThe413()
    {
        // The refusal comes while most of the body is still on its way. Were the connection
        // closed then, the client would meet a reset on its next write instead of the answer.
        var alice = await WebUser.NewAsync(_server, "alice");
        string body = "{\"to\": [\"" + alice.User + "\"], \"subject\": \"big\", \"body\": \"" + new string('b', 3 * 1024 * 1024) + "\"}";

        var answer = await ErrorTests.PostChunkedAsync(alice, "api/messages", body, pauseEvery64KiB: TimeSpan.FromMilliseconds(2));

        answer.AssertProblem(413, "payload-too-large");
    }

    [Fact]
    public async Task MessageOverMaxSize_413MessageTooLarge_AndNothingStored()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var bob = await WebUser.NewAsync(_server, "bob");
        var file = new byte[SmallLimitsFixture.MaxMessageSize + 1024];

        var answer = await alice.PostAsync("api/messages", new
        {
            to = new[] { bob.User },
            subject = "too big",
            body = "x",
            attachments = new[] { new { name = "big.bin", type = "application/octet-stream", content = Convert.ToBase64String(file) } },
        });

        answer.AssertProblem(413, "message-too-large");
        Assert.Equal(0, (await alice.FolderAsync("Sent")).Long("total"));
        Assert.Equal(0, (await bob.FolderAsync("Inbox")).Long("total"));
    }

    [Fact]
    public async Task TooManyRecipients_422()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        var names = new List<string>();
        for (int i = 0; i < 4; i++)
        {
            names.Add((await _server.CreateUserAsync(UniqueName.Of("many"))).Name);
        }

        (await alice.PostAsync("api/messages", new { to = names, subject = "crowd", body = "x" })).AssertProblem(422, "too-many-recipients");
        Assert.Equal(0, (await alice.FolderAsync("Sent")).Long("total"));
    }

    [Fact]
    public async Task TooManyAttachments_422()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        var files = Enumerable.Range(0, 3).Select(i => new { name = $"f{i}.txt", type = "text/plain", content = Convert.ToBase64String([(byte)i]) }).ToArray();

        (await alice.PostAsync("api/messages", new { to = new[] { alice.User }, subject = "files", body = "x", attachments = files })).AssertProblem(422, "too-many-attachments");
        Assert.Equal(0, (await alice.FolderAsync("Sent")).Long("total"));
    }

    private static byte[] Chunk(byte[] data) =>
        [.. Encoding.ASCII.GetBytes(data.Length.ToString("x", System.Globalization.CultureInfo.InvariantCulture) + "\r\n"), .. data, .. "\r\n"u8];
}

/// <summary>A stream HttpClient cannot measure, so the body goes out chunked.</summary>
internal sealed class UnseekableStream(byte[] data, TimeSpan pauseEvery64KiB = default) : Stream
{
    private readonly MemoryStream _inner = new(data);

    // A slow client: still sending long after the server has seen enough to refuse.
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (pauseEvery64KiB > TimeSpan.Zero && _inner.Position > 0 && _inner.Position % (64 * 1024) == 0)
        {
            await Task.Delay(pauseEvery64KiB, cancellationToken);
        }

        return _inner.Read(buffer.Span[..Math.Min(buffer.Length, 8192)]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 8192));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        _inner.Dispose();
        base.Dispose(disposing);
    }
}
