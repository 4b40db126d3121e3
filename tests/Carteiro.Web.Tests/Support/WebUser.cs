using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Carteiro.TestKit;

namespace Carteiro.Web.Tests.Support;

/// <summary>
/// One HTTP client of the API: a browser (cookie container, echoes the CSRF value it was given)
/// or a script (bearer token, no cookies).
/// </summary>
public sealed class WebUser : IDisposable
{
    public const string CsrfHeader = "X-Carteiro-Csrf";
    public const string CookieName = "carteiro_session";
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private WebUser(TestServer server, string user, string? bearer)
    {
        Server = server;
        User = user;
        Bearer = bearer;
        Cookies = new CookieContainer();
        var handler = new HttpClientHandler
        {
            CookieContainer = Cookies,
            UseCookies = bearer is null,
            AutomaticDecompression = DecompressionMethods.None,
            AllowAutoRedirect = false,
        };
        Http = new HttpClient(handler) { BaseAddress = server.HttpBase, Timeout = TimeSpan.FromSeconds(30) };
        if (bearer is not null)
        {
            Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }
    }

    public TestServer Server { get; }

    public string User { get; private set; }

    public HttpClient Http { get; }

    public CookieContainer Cookies { get; }

    /// <summary>The anti-forgery value from the last sign-in answer (browsers).</summary>
    public string? Csrf { get; set; }

    /// <summary>The bearer token (scripts).</summary>
    public string? Bearer { get; }

    /// <summary>The session cookie's value, if the container holds one.</summary>
    public string? SessionCookie => Cookies.GetCookies(Server.HttpBase)[CookieName]?.Value is { Length: > 0 } value ? value : null;

    /// <summary>A client that is not signed in (uses cookies like a browser).</summary>
    public static WebUser Anonymous(TestServer server) => new(server, "", null);

    /// <summary>A script client with a bearer token.</summary>
    public static WebUser WithToken(TestServer server, string user, string token) => new(server, user, token);

    /// <summary>A browser that sends exactly this cookie value (for replaying an old cookie).</summary>
    public static WebUser WithCookie(TestServer server, string user, string cookie, string? csrf = null)
    {
        var web = new WebUser(server, user, null) { Csrf = csrf };
        web.Cookies.Add(server.HttpBase, new Cookie(CookieName, cookie, "/"));
        return web;
    }

    /// <summary>Registers a fresh account over HTTP (unique name from <paramref name="prefix"/>) and signs in.</summary>
    public static async Task<WebUser> RegisterAsync(TestServer server, string prefix, string password = Passwords.Default)
    {
        var web = Anonymous(server);
        string name = UniqueName.Of(prefix);
        var answer = (await web.PostAsync("api/register", new { user = name, password })).AssertStatus(201);
        web.User = answer.Json.Str("user");
        web.Csrf = answer.Json.Str("csrf");
        return web;
    }

    /// <summary>Creates a fresh account directly and signs in over HTTP like a browser.</summary>
    public static async Task<WebUser> NewAsync(TestServer server, string prefix, bool admin = false)
    {
        var account = await server.CreateUserAsync(UniqueName.Of(prefix), admin: admin);
        return await SignInAsync(server, account.Name);
    }

    /// <summary>Signs in an existing account like a browser.</summary>
    public static async Task<WebUser> SignInAsync(TestServer server, string user, string password = Passwords.Default)
    {
        var web = Anonymous(server);
        var answer = (await web.PostAsync("api/session", new { user, password })).AssertStatus(200);
        web.User = answer.Json.Str("user");
        web.Csrf = answer.Json.Str("csrf");
        return web;
    }

    /// <summary>Makes a bearer token for this account and returns a script client using it.</summary>
    public async Task<WebUser> NewScriptAsync(string label = "test")
    {
        var answer = (await PostAsync("api/tokens", new { label })).AssertStatus(201);
        return WithToken(Server, User, answer.Json.Str("token"));
    }

    public Task<ApiResponse> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public Task<ApiResponse> PostAsync(string path, object? body = null, bool csrf = true) => SendAsync(HttpMethod.Post, path, body, csrf);

    public Task<ApiResponse> PatchAsync(string path, object? body, bool csrf = true) => SendAsync(HttpMethod.Patch, path, body, csrf);

    public Task<ApiResponse> DeleteAsync(string path, bool csrf = true) => SendAsync(HttpMethod.Delete, path, null, csrf);

    /// <summary>Sends a request; a body object is serialized as JSON, a string is sent as it is (as JSON).</summary>
    public async Task<ApiResponse> SendAsync(HttpMethod method, string path, object? body = null, bool csrf = true, string? csrfValue = null)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (body is not null)
        {
            string text = body as string ?? JsonSerializer.Serialize(body, JsonOptions);
            request.Content = new StringContent(text, Encoding.UTF8, "application/json");
        }

        if (csrfValue is not null)
        {
            request.Headers.Add(CsrfHeader, csrfValue);
        }
        else if (csrf && Csrf is not null && Bearer is null)
        {
            request.Headers.Add(CsrfHeader, Csrf);
        }

        return await SendAsync(request);
    }

    public async Task<ApiResponse> SendAsync(HttpRequestMessage request)
    {
        using var response = await Http.SendAsync(request, TestContext.Current.CancellationToken);
        byte[] bytes = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
        return new ApiResponse(response, bytes);
    }

    // ---- mail helpers ----

    /// <summary>Sends a message and asserts 201; returns the answer.</summary>
    public async Task<JsonElement> SendMailAsync(string to, string subject, string body = "hello", object? extra = null)
    {
        var answer = await PostAsync("api/messages", extra ?? new { to = new[] { to }, subject, body });
        return answer.AssertStatus(201).Json;
    }

    /// <summary>Sends a message as given (an anonymous object) and asserts 201.</summary>
    public async Task<JsonElement> SendMailAsync(object message) => (await PostAsync("api/messages", message)).AssertStatus(201).Json;

    /// <summary>A page of a folder.</summary>
    public async Task<JsonElement> ListAsync(string folder = "Inbox", string query = "") =>
        (await GetAsync($"api/folders/{folder}/messages{query}")).AssertStatus(200).Json;

    /// <summary>A folder's counts from GET /api/folders.</summary>
    public async Task<JsonElement> FolderAsync(string name)
    {
        var folders = (await GetAsync("api/folders")).AssertStatus(200).Json;
        foreach (var folder in folders.EnumerateArray())
        {
            if (folder.Str("name") == name)
            {
                return folder;
            }
        }

        throw new Xunit.Sdk.XunitException($"no folder {name} in {folders}");
    }

    /// <summary>The summary of server-wide message <paramref name="message"/> in <paramref name="folder"/>.</summary>
    public async Task<JsonElement> FindAsync(long message, string folder = "Inbox")
    {
        var page = await ListAsync(folder, "?limit=200");
        foreach (var item in page.Items())
        {
            if (item.Long("message") == message)
            {
                return item;
            }
        }

        throw new Xunit.Sdk.XunitException($"message {message} is not in {User}'s {folder}: {page}");
    }

    /// <summary>Reads a message without marking it seen.</summary>
    public async Task<JsonElement> PeekAsync(long id) => (await GetAsync($"api/messages/{id}?peek=true")).AssertStatus(200).Json;

    public void Dispose() => Http.Dispose();
}
