using Microsoft.Playwright;

namespace Carteiro.Benchmarks.Web;

/// <summary>
/// How long the web app takes, in Debian's chromium, from navigation start until the first row of
/// the inbox is on screen: HTML, script, the session check, folders and the first page of the list.
/// Each run is a fresh browser context (cold cache, signed in through the API beforehand).
/// </summary>
internal static class FirstScreenBenchmark
{
    private const string FirstRow = "[data-testid=message-row]";

    public static async Task RunAsync(Uri server, string user, string password, int runs)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });

        var cold = new List<double>(runs);
        for (int run = 0; run <= runs; run++)
        {
            await using var context = await SignedInContextAsync(browser, server, user, password);
            var page = await context.NewPageAsync();
            double elapsed = await LoadInboxAsync(page, trace: run == runs);
            if (run > 0)
            {
                // Run 0 warms the server's JIT and page cache.
                cold.Add(elapsed);
                Console.WriteLine($"  run {run,2}: first row after {elapsed,6:F0} ms ({await page.Locator(FirstRow).CountAsync()} rows rendered)");
            }
        }

        Report("new browser context each time", cold);

        // The everyday case: the tab is open and the inbox is loaded again (the renderer process and
        // HTTP cache stay; the list revalidates with its ETag).
        await using var warmContext = await SignedInContextAsync(browser, server, user, password);
        var tab = await warmContext.NewPageAsync();
        var warm = new List<double>(runs);
        for (int run = 0; run <= runs; run++)
        {
            double elapsed = await LoadInboxAsync(tab, trace: run == runs);
            if (run > 0)
            {
                warm.Add(elapsed);
            }
        }

        Report("loading again in an open tab", warm);
    }

    private static async Task<IBrowserContext> SignedInContextAsync(IBrowser browser, Uri server, string user, string password)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.ToString() });
        var signIn = await context.APIRequest.PostAsync("/api/session", new APIRequestContextOptions { DataObject = new { user, password } });
        if (!signIn.Ok)
        {
            throw new InvalidOperationException($"sign-in failed: {signIn.Status} {await signIn.TextAsync()}");
        }

        return context;
    }

    // Milliseconds from navigation start to the first row on screen.
    private static async Task<double> LoadInboxAsync(IPage page, bool trace)
    {
        await page.GotoAsync("/");

        // Checked every animation frame, so the figure is at most one frame late.
        await page.WaitForFunctionAsync($"() => document.querySelector('{FirstRow}') !== null",
            null, new PageWaitForFunctionOptions { PollingInterval = null, Timeout = 30_000 });
        double elapsed = await page.EvaluateAsync<double>("() => performance.now()");
        if (trace && Environment.GetEnvironmentVariable("CARTEIRO_BENCH_TRACE") is not null)
        {
            // Where the time went: navigation milestones and each request's start and end.
            Console.WriteLine(await page.EvaluateAsync<string>("""
                () => [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource'), ...performance.getEntriesByType('paint')]
                    .map(e => `${e.name.replace(location.origin, '')}  start ${e.startTime.toFixed(0)}  response ${(e.responseStart ?? 0).toFixed(0)}-${(e.responseEnd ?? 0).toFixed(0)}  interactive ${(e.domInteractive ?? 0).toFixed(0)}`).join('\n')
                """));
        }

        return elapsed;
    }

    private static void Report(string how, List<double> times)
    {
        times.Sort();
        Console.WriteLine($"first screen, {how}: median {times[times.Count / 2]:F0} ms, worst {times[^1]:F0} ms over {times.Count} loads");
    }
}
