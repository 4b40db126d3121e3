using System.IO.Compression;
using System.Net.Http.Headers;
using Carteiro.TestKit;
using Carteiro.Web.Tests.Support;

namespace Carteiro.Web.Tests;

/// <summary>Security headers, the web app's files (caching, compression) and the OpenAPI description.</summary>
public sealed class HeaderTests(WebFixture fixture) : IClassFixture<WebFixture>
{
    private readonly TestServer _server = fixture.Server;

    private static void AssertSecurityHeaders(ApiResponse answer)
    {
        string? csp = answer.Header("Content-Security-Policy");
        Assert.True(csp is not null, $"no Content-Security-Policy on {answer.Code} {answer.MediaType}");
        var directives = csp.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        string scriptSrc = Assert.Single(directives, d => d.StartsWith("script-src ", StringComparison.Ordinal));
        Assert.Equal("script-src 'self'", scriptSrc);
        Assert.DoesNotContain("'unsafe-inline'", scriptSrc, StringComparison.Ordinal);
        Assert.DoesNotContain("'unsafe-eval'", scriptSrc, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", directives);
        Assert.Equal("nosniff", answer.Header("X-Content-Type-Options"));
        Assert.Equal("DENY", answer.Header("X-Frame-Options"));
    }

    [Fact]
    public async Task ApiAnswer_CarriesSecurityHeaders()
    {
        using var web = WebUser.Anonymous(_server);

        AssertSecurityHeaders((await web.GetAsync("api/server")).AssertStatus(200));
    }

    [Fact]
    public async Task ProblemAnswers_CarrySecurityHeaders()
    {
        using var web = WebUser.Anonymous(_server);
        using var alice = await WebUser.NewAsync(_server, "alice");

        AssertSecurityHeaders((await web.GetAsync("api/session")).AssertStatus(401));
        AssertSecurityHeaders((await web.GetAsync("api/nothing-here")).AssertStatus(404));
        AssertSecurityHeaders((await alice.PostAsync("api/messages", "{oops")).AssertStatus(400));
        AssertSecurityHeaders((await alice.GetAsync("api/messages/987654321")).AssertStatus(404));
    }

    [Fact]
    public async Task Root_ServesHtml_WithSecurityHeaders_AndRevalidatesWithETag()
    {
        using var web = WebUser.Anonymous(_server);

        var page = (await web.GetAsync("/")).AssertStatus(200);

        Assert.Equal("text/html", page.MediaType);
        Assert.True(page.Bytes.Length > 0);
        AssertSecurityHeaders(page);
        var etag = page.Headers.ETag;
        Assert.NotNull(etag);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.IfNoneMatch.Add(etag);
        var again = await web.SendAsync(request);
        again.AssertStatus(304);
        Assert.Empty(again.Bytes);

        using var stale = new HttpRequestMessage(HttpMethod.Get, "/");
        stale.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"not-the-etag\""));
        (await web.SendAsync(stale)).AssertStatus(200);
    }

    [Fact]
    public async Task Head_OfRoot_HasNoBody()
    {
        using var web = WebUser.Anonymous(_server);

        var head = await web.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/"));

        head.AssertStatus(200);
        Assert.Equal("text/html", head.MediaType);
        Assert.Empty(head.Bytes);
    }

    [Fact]
    public async Task AppJs_WithAcceptEncodingGzip_IsGzipped()
    {
        using var web = WebUser.Anonymous(_server);
        var plain = await web.GetAsync("app.js");
        Assert.SkipWhen(plain.Code == 404, "the front end has no app.js yet");
        plain.AssertStatus(200);
        Assert.Equal("text/javascript", plain.MediaType);
        Assert.Null(plain.ContentHeaders.ContentEncoding.FirstOrDefault());

        using var request = new HttpRequestMessage(HttpMethod.Get, "app.js");
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("br"));
        var zipped = (await web.SendAsync(request)).AssertStatus(200);

        Assert.Equal("gzip", Assert.Single(zipped.ContentHeaders.ContentEncoding));
        Assert.Contains("Accept-Encoding", zipped.Headers.Vary);
        using var gzip = new GZipStream(new MemoryStream(zipped.Bytes), CompressionMode.Decompress);
        using var unpacked = new MemoryStream();
        await gzip.CopyToAsync(unpacked, TestContext.Current.CancellationToken);
        Assert.Equal(plain.Bytes, unpacked.ToArray());
        Assert.Equal(plain.Headers.ETag, zipped.Headers.ETag);
    }

    [Fact]
    public async Task UnknownFile_404Problem()
    {
        using var web = WebUser.Anonymous(_server);

        var answer = await web.GetAsync("no-such-file-" + Guid.NewGuid().ToString("N") + ".js");

        answer.AssertProblem(404, "not-found");
        AssertSecurityHeaders(answer);
    }

    [Fact]
    public async Task OpenApi_IsJson_AndListsTheEndpoints()
    {
        using var web = WebUser.Anonymous(_server);

        var answer = (await web.GetAsync("openapi/v1.json")).AssertStatus(200);

        Assert.Equal("application/json", answer.MediaType);
        var paths = answer.Json.Prop("paths");
        Assert.True(paths.TryGetProperty("/api/messages", out var messages), $"no /api/messages in {paths}");
        Assert.True(messages.TryGetProperty("post", out _));
        foreach (string path in new[] { "/api/server", "/api/session", "/api/register", "/api/folders", "/api/events", "/api/search", "/api/messages/{id}" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"no {path} in the OpenAPI paths");
        }

        Assert.Equal("Carteiro HTTP API", answer.Json.Prop("info").Str("title"));
    }
}
