using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Carteiro.Client;

namespace Carteiro.Benchmarks.BigStore;

/// <summary>
/// How the benchmark talks to one server start: a signed-in native session and an HTTP client
/// carrying a bearer token (made once with <c>TOKEN CREATE</c>; the server keeps it across restarts).
/// Signing in is also how start-up is timed: the first native sign-in answered, then the first
/// authenticated API answer.
/// </summary>
internal sealed class StoreClients : IAsyncDisposable
{
    // A query that takes longer than this is a finding in itself; the run stops rather than hang.
    private static readonly TimeSpan QueryLimit = TimeSpan.FromMinutes(5);

    private StoreClients(CarteiroClient native, HttpClient api, string token)
    {
        Native = native;
        Api = api;
        Token = token;
    }

    public CarteiroClient Native { get; }

    public HttpClient Api { get; }

    public string Token { get; }

    /// <summary>Per-query cancellation: the run's bound.</summary>
    public static CancellationTokenSource Limit() => new(QueryLimit);

    /// <summary>Sign-in right after a start.</summary>
    /// <param name="token">The bearer token, or null to make one with the native session.</param>
    /// <returns>The clients, and when (on <paramref name="clock"/>) each protocol first answered.</returns>
    public static async Task<(StoreClients Clients, TimeSpan NativeAt, TimeSpan ApiAt)> SignInAsync(
        StoreServer server, string user, string password, string? token, Stopwatch clock)
    {
        using var limit = Limit();
        var native = await CarteiroClient.ConnectAsync("127.0.0.1", server.NativePort, CarteiroClientOptions.Default, limit.Token).ConfigureAwait(false);
        await native.LoginAsync(user, password, limit.Token).ConfigureAwait(false);
        var nativeAt = clock.Elapsed;
        token ??= await native.CreateTokenAsync("big-store benchmark", limit.Token).ConfigureAwait(false);
        var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.HttpPort}/"), Timeout = QueryLimit };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using (var session = await api.GetAsync(new Uri("api/session", UriKind.Relative), limit.Token).ConfigureAwait(false))
        {
            session.EnsureSuccessStatusCode();
        }

        return (new StoreClients(native, api, token), nativeAt, clock.Elapsed);
    }

    /// <summary>GETs <paramref name="path"/> and parses the answer.</summary>
    public async Task<JsonDocument> GetJsonAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await Api.GetAsync(new Uri(path, UriKind.Relative), cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return await JsonDocument.ParseAsync(body, default, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        await Native.DisposeAsync().ConfigureAwait(false);
    }
}
