using Carteiro.TestKit;
using Microsoft.Playwright;

namespace Carteiro.Browser.Tests;

/// <summary>
/// One real server (HTTP door on a loopback port, SQLite in a temp folder) and Debian's chromium,
/// shared by the browser tests; each test opens its own browser contexts (separate cookies).
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>Debian's chromium; Playwright downloads nothing.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private TestServer? _server;

    public TestServer Server => _server ?? throw new InvalidOperationException("not started");

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("not started");

    public async ValueTask InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"the browser tests need Debian's chromium at {ChromiumPath} (apt-get install chromium)");
        }

        Assertions.SetDefaultExpectTimeout(15_000);
        _server = await TestServer.StartAsync();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,

            // CI runs as root, where chromium refuses its sandbox.
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
