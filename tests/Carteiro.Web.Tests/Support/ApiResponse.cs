using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Carteiro.Web.Tests.Support;

/// <summary>An HTTP answer read in full: status, headers, bytes, and the body as JSON on demand.</summary>
public sealed class ApiResponse
{
    private JsonElement? _json;

    public ApiResponse(HttpResponseMessage response, byte[] bytes)
    {
        Status = response.StatusCode;
        Headers = response.Headers;
        ContentHeaders = response.Content.Headers;
        Bytes = bytes;
    }

    public HttpStatusCode Status { get; }

    public int Code => (int)Status;

    public HttpResponseHeaders Headers { get; }

    public HttpContentHeaders ContentHeaders { get; }

    public byte[] Bytes { get; }

    public string Text => Encoding.UTF8.GetString(Bytes);

    public string? MediaType => ContentHeaders.ContentType?.MediaType;

    public JsonElement Json
    {
        get
        {
            if (_json is null)
            {
                try
                {
                    using var document = JsonDocument.Parse(Bytes);
                    _json = document.RootElement.Clone();
                }
                catch (JsonException error)
                {
                    throw new Xunit.Sdk.XunitException($"HTTP {Code}: body is not JSON ({error.Message}): {Text}");
                }
            }

            return _json.Value;
        }
    }

    /// <summary>A header from the response or its content; null when absent.</summary>
    public string? Header(string name) =>
        Headers.TryGetValues(name, out var values) || ContentHeaders.TryGetValues(name, out values) ? string.Join(", ", values) : null;

    /// <summary>Every Set-Cookie line.</summary>
    public IReadOnlyList<string> SetCookies => Headers.TryGetValues("Set-Cookie", out var values) ? [.. values] : [];

    public ApiResponse AssertStatus(int status)
    {
        Assert.True(Code == status, $"expected HTTP {status}, got {Code}: {Text}");
        return this;
    }

    /// <summary>Asserts an RFC 9457 problem with this status and code; returns the document.</summary>
    public JsonElement AssertProblem(int status, string code)
    {
        AssertStatus(status);
        Assert.True(MediaType == "application/problem+json", $"expected an application/problem+json document, got {this}");
        var json = Json;
        Assert.Equal(code, json.Str("code"));
        Assert.Equal(status, json.Long("status"));
        Assert.Equal("urn:carteiro:error:" + code, json.Str("type"));
        Assert.False(string.IsNullOrEmpty(json.Str("title")));
        Assert.False(string.IsNullOrEmpty(json.Str("detail")));
        return json;
    }

    public override string ToString() => $"HTTP {Code} ({MediaType ?? "no Content-Type"}, {Bytes.Length} bytes): {Text}";
}
