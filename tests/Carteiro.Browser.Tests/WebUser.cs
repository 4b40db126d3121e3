using Microsoft.Playwright;

namespace Carteiro.Browser.Tests;

/// <summary>
/// One person in their own browser context, driving the web app the way they would: through the
/// page, by the test hooks (<c>data-testid</c>) the app promises. Console errors and CSP
/// violations are collected so every test can insist there were none.
/// </summary>
internal sealed class WebUser : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly List<string> _problems = [];

    private WebUser(IBrowserContext context, IPage page, string name)
    {
        _context = context;
        Page = page;
        Name = name;
        page.Console += (_, message) =>
        {
            // Before sign-in the app asks GET /api/session, which rightly answers 401; chromium logs
            // every 4xx as an error. That one answer is expected; anything else is a problem.
            bool signedOutProbe = message.Text.Contains("status of 401", StringComparison.Ordinal)
                && message.Location.Contains("/api/session", StringComparison.Ordinal);
            if (message.Type == "error" && !signedOutProbe)
            {
                lock (_problems)
                {
                    _problems.Add($"{message.Text} ({message.Location})");
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (_problems)
            {
                _problems.Add("uncaught: " + error);
            }
        };
        page.Dialog += async (_, dialog) =>
        {
            lock (_problems)
            {
                _problems.Add($"unexpected {dialog.Type} dialog: {dialog.Message}");
            }

            await dialog.DismissAsync();
        };
    }

    public IPage Page { get; }

    public string Name { get; }

    /// <summary>Errors the page logged, scripts that failed, dialogs that opened.</summary>
    public IReadOnlyList<string> Problems
    {
        get
        {
            lock (_problems)
            {
                return [.. _problems];
            }
        }
    }

    /// <summary>Fails with every problem listed when the page had any.</summary>
    public void AssertNoProblems()
    {
        var problems = Problems;
        Assert.True(problems.Count == 0, $"{Name}'s page: {string.Join(" | ", problems)}");
    }

    public ILocator ByTestId(string id) => Page.GetByTestId(id);

    /// <summary>Opens the app in a fresh context and signs in through the form.</summary>
    public static async Task<WebUser> SignInAsync(BrowserFixture fixture, string name, string password, ViewportSize? viewport = null)
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = fixture.Server.HttpBase.ToString(),
            ViewportSize = viewport ?? new ViewportSize { Width = 1280, Height = 800 },
            AcceptDownloads = true,
        });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        var user = new WebUser(context, page, name);
        await page.GotoAsync("/");
        await user.ByTestId("signin-user").FillAsync(name);
        await user.ByTestId("signin-password").FillAsync(password);
        await user.ByTestId("signin-submit").ClickAsync();
        await Assertions.Expect(user.ByTestId("signout-button")).ToBeVisibleAsync();
        return user;
    }

    /// <summary>Composes and sends a message through the compose form.</summary>
    public async Task ComposeAsync(string to, string subject, string body, params string[] files)
    {
        await ByTestId("compose-button").ClickAsync();
        await Assertions.Expect(ByTestId("compose-form")).ToBeVisibleAsync();
        await ByTestId("compose-to").FillAsync(to);
        await ByTestId("compose-subject").FillAsync(subject);
        await ByTestId("compose-body").FillAsync(body);
        if (files.Length > 0)
        {
            await ByTestId("compose-attach").SetInputFilesAsync(files);
        }

        await ByTestId("compose-send").ClickAsync();
        await Assertions.Expect(ByTestId("compose-form")).ToBeHiddenAsync();
    }

    /// <summary>The row in the open folder whose text contains <paramref name="subject"/>.</summary>
    public ILocator Row(string subject) => ByTestId("message-row").Filter(new LocatorFilterOptions { HasText = subject });

    public async Task OpenAsync(string subject)
    {
        await Row(subject).First.ClickAsync();
        await Assertions.Expect(ByTestId("reading-subject")).ToHaveTextAsync(subject);
    }

    public async Task GoToFolderAsync(string folder)
    {
        await ByTestId($"folder-{folder}").ClickAsync();
    }

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}
