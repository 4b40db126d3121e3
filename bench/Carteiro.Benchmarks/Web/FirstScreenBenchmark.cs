using Microsoft.Playwright;

namespace Carteiro.Benchmarks.Web;

/// <summary>
/// How long the web app takes, in Debian's chromium, from navigation start until the first row of
/// the inbox is on screen: HTML, script, the session check, folders and the first page of the list.
/// Each run is a fresh browser context (cold cache, signed in through the API beforehand).
/// </summary>
internal static class FirstScreenBenchmark
{
    public static async Task RunAsync(Uri server, string user, string password, int runs)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });

        var times = new List<double>(runs);
        for (int run = 0; run <= runs; run++)
        {
            await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.ToString() });
            var signIn = await context.APIRequest.PostAsync("/api/session", new APIRequestContextOptions
            {
                DataObject = new { user, password },
            });
            if (!signIn.Ok)
            {
                throw new InvalidOperationException($"sign-in failed: {signIn.Status} {await signIn.TextAsync()}");
            }

            var page = await context.NewPageAsync();
            await page.GotoAsync("/");

            // Checked every animation frame, so the figure is at most one frame late.
            await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=message-row]') !== null",
                null, new PageWaitForFunctionOptions { PollingInterval = null, Timeout = 30_000 });
            double elapsed = await page.EvaluateAsync<double>("() => performance.now()");
            int rows = await page.Locator("[data-testid=message-row]").CountAsync();
            if (run == runs && Environment.GetEnvironmentVariable("CARTEIRO_BENCH_TRACE") is not null)
            {
                // Where the time went: navigation milestones and each request's start and end.
                Console.WriteLine(await page.EvaluateAsync<string>("""
                    () => [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource'), ...performance.getEntriesByType('paint')]
                        .map(e => `${e.name.replace(location.origin, '')}  start ${e.startTime.toFixed(0)} ms  request ${(e.requestStart ?? 0).toFixed(0)}  response ${(e.responseStart ?? 0).toFixed(0)}-${(e.responseEnd ?? 0).toFixed(0)}  interactive ${(e.domInteractive ?? 0).toFixed(0)}`).join('\n')
                    """));
            }
            if (run > 0)
            {
                // Run 0 warms the server's JIT and page cache.
                times.Add(elapsed);
                Console.WriteLine($"  run {run,2}: first row after {elapsed,6:F0} ms ({rows} rows rendered)");
            }
        }

        times.Sort();
        Console.WriteLine($"first screen, new browser context each time: median {times[times.Count / 2]:F0} ms, worst {times[^1]:F0} ms over {times.Count} loads");

        // The everyday case: the tab is open and the inbox is loaded again (the renderer process and
        // HTTP cache stay; the list revalidates with its ETag).
        await using var warmContext = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.ToString() });
        await warmContext.APIRequest.PostAsync("/api/session", new APIRequestContextOptions { DataObject = new { user, password } });
        var tab = await warmContext.NewPageAsync();
        var warm = new List<double>(runs);
        for (int run = 0; run <= runs; run++)
        {
            await tab.GotoAsync("/");
            await tab.WaitForFunctionAsync("() => document.querySelector('[data-testid=message-row]') !== null",
                null, new PageWaitForFunctionOptions { PollingInterval = null, Timeout = 30_000 });
            double elapsed = await tab.EvaluateAsync<double>("() => performance.now()");
            if (run > 0)
            {
                warm.Add(elapsed);
            }

            if (run == runs && Environment.GetEnvironmentVariable("CARTEIRO_BENCH_TRACE") is not null)
            {
                Console.WriteLine(await tab.EvaluateAsync<string>("""
                    () => [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource'), ...performance.getEntriesByType('paint')]
                        .map(e => `${e.name.replace(location.origin, '')}  start ${e.startTime.toFixed(0)}  response ${(e.responseStart ?? 0).toFixed(0)}-${(e.responseEnd ?? 0).toFixed(0)}  interactive ${(e.domInteractive ?? 0).toFixed(0)}`).join('\n')
                    """));
            }
        }

        warm.Sort();
        Console.WriteLine($"first screen, loading again in an open tab: median {warm[warm.Count / 2]:F0} ms, worst {warm[^1]:F0} ms over {warm.Count} loads");
    }
}
