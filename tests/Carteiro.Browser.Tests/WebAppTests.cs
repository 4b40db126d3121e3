using System.Text.RegularExpressions;
using Carteiro.TestKit;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Carteiro.Browser.Tests;

/// <summary>The web app in Debian's chromium against a real server: what two people do with it.</summary>
public sealed class WebAppTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private const string Password = Passwords.Default;

    private async Task<(WebUser Alice, WebUser Bob)> TwoUsersAsync()
    {
        var alice = await fixture.Server.CreateUserAsync(UniqueName.Of("alice"));
        var bob = await fixture.Server.CreateUserAsync(UniqueName.Of("bob"));
        return (await WebUser.SignInAsync(fixture, alice.Name, Password), await WebUser.SignInAsync(fixture, bob.Name, Password));
    }

    [Fact]
    public async Task AliceComposes_BobsOpenPageShowsItWithoutReload()
    {
        var (alice, bob) = await TwoUsersAsync();
        await using (alice)
        await using (bob)
        {
            string subject = "Lunch " + Guid.NewGuid().ToString("N")[..6];
            await alice.ComposeAsync(bob.Name, subject, "Noon at the usual place?");

            var row = bob.Row(subject);
            await Expect(row).ToBeVisibleAsync();
            await Expect(row).ToHaveClassAsync(new Regex(@"\bunread\b"));
            await Expect(bob.ByTestId("unread-Inbox")).ToHaveTextAsync("1");
            await Expect(bob.Page).ToHaveTitleAsync(new Regex(@"^\(1\)"));

            await bob.OpenAsync(subject);
            await Expect(bob.ByTestId("reading-body")).ToContainTextAsync("Noon at the usual place?");
            await Expect(bob.ByTestId("reading-from")).ToContainTextAsync(alice.Name);
            await Expect(row).Not.ToHaveClassAsync(new Regex(@"\bunread\b"));

            alice.AssertNoProblems();
            bob.AssertNoProblems();
        }
    }

    [Fact]
    public async Task Reply_ReachesTheSenderLive_AndDeleteSearchAndSignOutWork()
    {
        var (alice, bob) = await TwoUsersAsync();
        await using (alice)
        await using (bob)
        {
            string subject = "Question " + Guid.NewGuid().ToString("N")[..6];
            await alice.ComposeAsync(bob.Name, subject, "Is the pelican-shaped kite ready?");
            await bob.OpenAsync(subject);

            await bob.ByTestId("reply-button").ClickAsync();
            await Expect(bob.ByTestId("compose-subject")).ToHaveValueAsync(new Regex("^Re: " + Regex.Escape(subject)));
            await bob.ByTestId("compose-body").FillAsync("Yes, tomorrow.");
            await bob.ByTestId("compose-send").ClickAsync();
            await Expect(bob.ByTestId("compose-form")).ToBeHiddenAsync();

            await Expect(alice.Row("Re: " + subject)).ToBeVisibleAsync();
            await alice.OpenAsync("Re: " + subject);
            await Expect(alice.ByTestId("reading-body")).ToContainTextAsync("Yes, tomorrow.");

            // Search finds it by a word of the body.
            await bob.ByTestId("search-input").FillAsync("pelican");
            await bob.ByTestId("search-input").PressAsync("Enter");
            await Expect(bob.Row(subject)).ToBeVisibleAsync();

            // Delete moves it to Trash.
            await bob.GoToFolderAsync("Inbox");
            await bob.OpenAsync(subject);
            await bob.ByTestId("delete-button").ClickAsync();
            await Expect(bob.Row(subject)).ToHaveCountAsync(0);
            await bob.GoToFolderAsync("Trash");
            await Expect(bob.Row(subject)).ToBeVisibleAsync();

            // Alice sees Bob online, then offline once he signs out.
            var bobOnline = alice.ByTestId("who-list").Locator("li").Filter(new LocatorFilterOptions { HasText = bob.Name });
            await Expect(bobOnline).ToHaveCountAsync(1);
            await bob.ByTestId("signout-button").ClickAsync();
            await Expect(bob.ByTestId("signin-form")).ToBeVisibleAsync();
            await Expect(bobOnline).ToHaveCountAsync(0);

            // The old session is gone for good: a reload shows the sign-in form.
            await bob.Page.ReloadAsync();
            await Expect(bob.ByTestId("signin-form")).ToBeVisibleAsync();

            alice.AssertNoProblems();
            bob.AssertNoProblems();
        }
    }

    [Fact]
    public async Task Attachment_UploadedByAlice_DownloadsByteForByteForBob()
    {
        var (alice, bob) = await TwoUsersAsync();
        await using (alice)
        await using (bob)
        {
            byte[] content = new byte[150_000];
            new Random(7).NextBytes(content);
            string folder = TempFolder.Create("carteiro-upload");
            try
            {
                string file = Path.Combine(folder, "relatório.bin");
                await File.WriteAllBytesAsync(file, content, TestContext.Current.CancellationToken);
                string subject = "Files " + Guid.NewGuid().ToString("N")[..6];
                await alice.ComposeAsync(bob.Name, subject, "see attached", file);

                await bob.OpenAsync(subject);
                var link = bob.ByTestId("attachment-link");
                await Expect(link).ToContainTextAsync("relatório.bin");
                var download = await bob.Page.RunAndWaitForDownloadAsync(() => link.ClickAsync());
                Assert.Equal("relatório.bin", download.SuggestedFilename);
                string saved = Path.Combine(folder, "downloaded.bin");
                await download.SaveAsAsync(saved);
                Assert.Equal(content, await File.ReadAllBytesAsync(saved, TestContext.Current.CancellationToken));
            }
            finally
            {
                TempFolder.Delete(folder);
            }

            alice.AssertNoProblems();
            bob.AssertNoProblems();
        }
    }

    [Fact]
    public async Task ScriptInSubjectAndBody_IsShownAsTextAndNeverRuns()
    {
        var (alice, bob) = await TwoUsersAsync();
        await using (alice)
        await using (bob)
        {
            const string subject = "<script>window.__pwned = 1</script>\"><img src=x onerror=\"window.__pwned = 2\">";
            const string body = "<img src=x onerror=\"window.__pwned = 3\"><script>window.__pwned = 4</script>\n\"><svg onload=\"window.__pwned = 5\">";
            await alice.ComposeAsync(bob.Name, subject, body);

            await Expect(bob.Row("window.__pwned = 1")).ToBeVisibleAsync();
            await bob.Row("window.__pwned = 1").First.ClickAsync();
            await Expect(bob.ByTestId("reading-subject")).ToHaveTextAsync(subject);
            await Expect(bob.ByTestId("reading-body")).ToContainTextAsync("<script>window.__pwned = 4</script>");

            Assert.Null(await bob.Page.EvaluateAsync<int?>("() => window.__pwned ?? null"));
            Assert.Null(await alice.Page.EvaluateAsync<int?>("() => window.__pwned ?? null"));
            Assert.Equal(0, await bob.Page.Locator("img[src='x'], svg[onload]").CountAsync());

            // Loaded again, the inbox comes inside the page itself: still text, still inert.
            await bob.Page.ReloadAsync();
            await Expect(bob.Row("window.__pwned = 1")).ToBeVisibleAsync();
            await Expect(bob.Row("window.__pwned = 1").First).ToContainTextAsync(subject);
            Assert.Null(await bob.Page.EvaluateAsync<int?>("() => window.__pwned ?? null"));
            Assert.Equal(0, await bob.Page.Locator("img[src='x'], svg[onload]").CountAsync());
            bob.AssertNoProblems();
        }
    }

    [Fact]
    public async Task LoadingAgain_ShowsTheInboxFromThePage_WithoutWaitingOnTheApi_AndStaysLive()
    {
        var (alice, bob) = await TwoUsersAsync();
        await using (alice)
        await using (bob)
        {
            string first = "Before reload " + Guid.NewGuid().ToString("N")[..6];

            await alice.ComposeAsync(bob.Name, first, "one");
            await Expect(bob.Row(first)).ToBeVisibleAsync();

            // Only the reloaded document's requests count. New mail makes the old page refresh
            // its folder counts a moment later (a debounced /api/folders), and on a slow machine
            // that timer can fire while the reload is under way, before the new document commits.
            var asked = new List<string>();
            bool committed = false;
            bob.Page.FrameNavigated += (_, frame) =>
            {
                if (frame == bob.Page.MainFrame)
                {
                    Volatile.Write(ref committed, true);
                }
            };
            bob.Page.Request += (_, request) =>
            {
                if (!Volatile.Read(ref committed))
                {
                    return;
                }

                lock (asked)
                {
                    asked.Add(new Uri(request.Url).PathAndQuery);
                }
            };

            await bob.Page.ReloadAsync();
            await Expect(bob.Row(first)).ToBeVisibleAsync();
            await Expect(bob.ByTestId("unread-Inbox")).ToHaveTextAsync("1");

            lock (asked)
            {
                // The session, folders and first page came with the page.
                Assert.DoesNotContain(asked, path => path == "/api/session" || path.StartsWith("/api/folders", StringComparison.Ordinal));
            }

            // And the reloaded page is live: new mail arrives without another reload.
            string second = "After reload " + Guid.NewGuid().ToString("N")[..6];
            await alice.ComposeAsync(bob.Name, second, "two");
            await Expect(bob.Row(second)).ToBeVisibleAsync();
            await Expect(bob.ByTestId("unread-Inbox")).ToHaveTextAsync("2");
            bob.AssertNoProblems();
        }
    }

    [Fact]
    public async Task HtmlMail_IsShownInASandboxedFrame_WithoutScriptOrRemoteContent()
    {
        var (alice, bob) = await TwoUsersAsync();
        await using (alice)
        await using (bob)
        {
            var fetchedRemotely = new List<string>();
            bob.Page.Request += (_, request) =>
            {
                if (request.Url.Contains("tracker.example", StringComparison.Ordinal))
                {
                    lock (fetchedRemotely)
                    {
                        fetchedRemotely.Add(request.Url);
                    }
                }
            };

            // A mail program sends it over SMTP.
            await using (var smtp = await RawConnection.ConnectAsync(fixture.Server.Smtp))
            {
                string plain = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"\0{alice.Name}\0{Password}"));
                await smtp.SendAsync($"EHLO browser-test\r\nAUTH PLAIN {plain}\r\nMAIL FROM:<{alice.Name}@localhost>\r\nRCPT TO:<{bob.Name}@localhost>\r\nDATA");
                await smtp.ReadUntilAsync("354");
                await smtp.SendAsync("Subject: Weekly digest\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" +
                    "<h1>Digest</h1><p>All <b>good</b> news.</p><script>parent.__pwned = 1; window.__pwned = 1</script>" +
                    "<img src=\"https://tracker.example/open.gif\" onerror=\"window.__pwned = 2\"><a href=\"https://example.org/more\">More</a>\r\n.");
                Assert.StartsWith("250 2.0.0", await smtp.ReadLineAsync());
            }

            await bob.OpenAsync("Weekly digest");
            await Expect(bob.ByTestId("reading-html")).ToBeVisibleAsync();
            await Expect(bob.ByTestId("reading-body")).ToBeHiddenAsync();
            var frame = bob.Page.FrameLocator("[data-testid=reading-html]");
            await Expect(frame.Locator("h1")).ToHaveTextAsync("Digest");
            await Expect(frame.Locator("b")).ToHaveTextAsync("good");
            await Expect(frame.Locator("a")).ToHaveAttributeAsync("target", "_blank");
            Assert.Equal(0, await frame.Locator("script, img[src], [onerror]").CountAsync());
            await Expect(bob.ByTestId("remote-note")).ToContainTextAsync("Remote content blocked (1 item)");
            Assert.Equal("allow-popups allow-popups-to-escape-sandbox", await bob.ByTestId("reading-html").GetAttributeAsync("sandbox"));

            Assert.Null(await bob.Page.EvaluateAsync<int?>("() => window.__pwned ?? null"));
            lock (fetchedRemotely)
            {
                Assert.Empty(fetchedRemotely);
            }

            bob.AssertNoProblems();
        }
    }

    [Fact]
    public async Task SignedInPage_CannotReadAnotherUsersMailThroughTheApiByGuessingIds()
    {
        var (alice, bob) = await TwoUsersAsync();
        await using (alice)
        await using (bob)
        {
            string subject = "Private " + Guid.NewGuid().ToString("N")[..6];
            await alice.ComposeAsync(bob.Name, subject, "for bob only");
            await Expect(bob.Row(subject)).ToBeVisibleAsync();
            string? bobsId = await bob.Row(subject).First.GetAttributeAsync("data-id");
            Assert.NotNull(bobsId);

            // Alice's own page asks for Bob's copy by id, and for an id nobody has: the answers match.
            var statuses = await alice.Page.EvaluateAsync<int[]>(
                "async (id) => Promise.all([id, '999999999'].map(i => fetch(`/api/messages/${i}?peek=true`).then(r => r.status)))", bobsId);
            var own = await alice.Page.EvaluateAsync<int>("async () => (await fetch('/api/folders')).status");

            Assert.Equal(200, own);
            Assert.DoesNotContain(200, statuses);
            Assert.All(statuses, s => Assert.Equal(404, s));
        }
    }

    [Fact]
    public async Task PhoneWidth_InboxAndReadingPaneAreUsable()
    {
        var alice = await fixture.Server.CreateUserAsync(UniqueName.Of("alice"));
        var bob = await fixture.Server.CreateUserAsync(UniqueName.Of("bob"));
        await using var sender = await WebUser.SignInAsync(fixture, alice.Name, Password);
        await using var phone = await WebUser.SignInAsync(fixture, bob.Name, Password, new ViewportSize { Width = 390, Height = 844 });
        string subject = "Small screen " + Guid.NewGuid().ToString("N")[..6];
        await sender.ComposeAsync(bob.Name, subject, "fits?");

        await phone.OpenAsync(subject);
        await Expect(phone.ByTestId("reading-body")).ToBeInViewportAsync();
        int width = await phone.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(width <= 390, $"the page is {width} px wide on a 390 px screen");
        phone.AssertNoProblems();
    }
}
