using Microsoft.Playwright;

namespace Carteiro.Benchmarks.Web;

/// <summary>
/// How long the web app takes, in Debian's chromium, from navigation start until the first row of
/// the inbox is painted (as the browser's Element Timing reports it): HTML with the first screen's
/// data, stylesheet and script, and rendering the list.
/// Three cases: a fresh browser context each time (nothing cached, a new renderer process), a new
/// tab in a browser that has used the app before, and loading again in the tab that shows it.
/// Each context signs in through the API beforehand. Before them, chromium's own floor: the same
/// measure for a page of one line (see <see cref="FloorPage"/>).
/// CARTEIRO_BENCH_CHROME_TRACE=FILE writes a Chrome trace and a script profile of the last fresh load.
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

        // Chromium's floor first: the same measure for a page of one line, without and with the
        // opener isolation the app asks for.
        foreach (bool isolated in new[] { false, true })
        {
            await using var floorPage = new FloorPage(isolated);
            string kind = isolated ? "with Cross-Origin-Opener-Policy as the app sends it" : "no headers";
            var floor = new List<double>(runs);
            for (int run = 0; run <= runs; run++)
            {
                await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = floorPage.Url.ToString() });
                double elapsed = await LoadInboxAsync(await context.NewPageAsync(), trace: false);
                if (run > 0)
                {
                    floor.Add(elapsed);
                }
            }

            Report($"chromium's floor (a one-line page, {kind}), a new browser context each time", floor);

            await using var usedContext = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = floorPage.Url.ToString() });
            var floorTabs = new List<double>(runs);
            for (int run = 0; run <= runs; run++)
            {
                var newTab = await usedContext.NewPageAsync();
                double elapsed = await LoadInboxAsync(newTab, trace: false);
                if (run > 0)
                {
                    floorTabs.Add(elapsed);
                }

                await newTab.CloseAsync();
            }

            Report($"chromium's floor (a one-line page, {kind}), in a new tab", floorTabs);
        }

        var cold = new List<double>(runs);
        for (int run = 0; run <= runs; run++)
        {
            await using var context = await SignedInContextAsync(browser, server, user, password);
            var page = await context.NewPageAsync();
            string? tracePath = run == runs ? Environment.GetEnvironmentVariable("CARTEIRO_BENCH_CHROME_TRACE") : null;
            var tracing = tracePath is null ? null : await ChromeTrace.StartAsync(context, page);
            double elapsed = await LoadInboxAsync(page, trace: run == runs);
            if (tracing is not null)
            {
                await tracing.StopAsync(tracePath!);
            }

            if (run > 0)
            {
                // Run 0 warms the server's JIT and page cache.
                cold.Add(elapsed);
                Console.WriteLine($"  run {run,2}: first row after {elapsed,6:F0} ms ({await page.Locator(FirstRow).CountAsync()} rows rendered)");
            }
        }

        Report("a new browser context each time (nothing cached)", cold);

        // The everyday cases: a browser that has been used (its HTTP and code caches hold the app),
        // where the app is opened in a new tab, or loaded again in the tab that shows it.
        await using var warmContext = await SignedInContextAsync(browser, server, user, password);
        var tabs = new List<double>(runs);
        for (int run = 0; run <= runs; run++)
        {
            var newTab = await warmContext.NewPageAsync();
            double elapsed = await LoadInboxAsync(newTab, trace: run == runs);
            if (run > 0)
            {
                tabs.Add(elapsed);
            }

            await newTab.CloseAsync();
        }

        Report("opening it in a new tab", tabs);

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

        // The browser's own record of when the first row's text was painted (Element Timing: the
        // app marks that element), relative to navigation start. No polling delay, no round trip
        // to this process in the figure.
        double elapsed = await page.EvaluateAsync<double>("""
            () => new Promise((resolve, reject) => {
                const timeout = setTimeout(() => reject(new Error('the first row was not painted within 30 s')), 30000);
                new PerformanceObserver((list, observer) => {
                    const entry = list.getEntries().find((e) => e.identifier === 'first-row');
                    if (entry) { clearTimeout(timeout); observer.disconnect(); resolve(entry.renderTime || entry.loadTime); }
                }).observe({ type: 'element', buffered: true });
            })
            """);
        if (await page.Locator(FirstRow).CountAsync() == 0)
        {
            throw new InvalidOperationException("a row was reported painted, but none is on the page");
        }
        if (trace && Environment.GetEnvironmentVariable("CARTEIRO_BENCH_TRACE") is not null)
        {
            // Where the time went: navigation milestones and each request's start and end.
            Console.WriteLine(await page.EvaluateAsync<string>("""
                () => [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource'), ...performance.getEntriesByType('paint'), ...performance.getEntriesByType('mark'), ...performance.getEntriesByType('element')]
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
