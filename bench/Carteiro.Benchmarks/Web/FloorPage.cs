using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Carteiro.Benchmarks.Web;

/// <summary>
/// The least a page can be: one line of text, marked for Element Timing like the app's first row,
/// served on loopback with no stylesheet, script or data. Its time to first paint in a new
/// browser context is chromium's own floor on this machine (renderer start, navigation, one
/// paint), which no web app can go below; the first-screen benchmark reports it beside the app.
/// With <c>isolated</c> the page sends <c>Cross-Origin-Opener-Policy: same-origin</c> as the app
/// does: chromium then cannot use the renderer it readied for the new tab and starts another
/// after the answer's headers, which is most of the difference between the two floors.
/// </summary>
internal sealed class FloorPage : IAsyncDisposable
{
    private static readonly byte[] Html = Encoding.UTF8.GetBytes(
        "<!doctype html><html lang=en><meta charset=utf-8><title>floor</title><p elementtiming=first-row data-testid=message-row>one line</p>");

    private readonly HttpListener _listener = new();
    private readonly Task _serving;
    private readonly bool _isolated;

    public FloorPage(bool isolated)
    {
        _isolated = isolated;
        Url = new Uri($"http://127.0.0.1:{FreePort()}/");
        _listener.Prefixes.Add(Url.ToString());
        _listener.Start();
        _serving = ServeAsync();
    }

    public Uri Url { get; }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        try
        {
            await _serving;
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
        {
            // Stopping the listener ends the pending GetContextAsync this way.
        }

        _listener.Close();
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            var context = await _listener.GetContextAsync();
            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.Headers["Cache-Control"] = "no-store";
            if (_isolated)
            {
                context.Response.Headers["Cross-Origin-Opener-Policy"] = "same-origin";
            }

            context.Response.ContentLength64 = Html.Length;
            await context.Response.OutputStream.WriteAsync(Html);
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
