using System.Text.Json;
using System.Text.RegularExpressions;
using Carteiro.TestKit;
using Carteiro.Web.Tests.Support;

namespace Carteiro.Web.Tests;

/// <summary>
/// The app's page for a signed-in browser carries the first screen's data (server facts, session,
/// folders, who is online, the inbox's first page) so the inbox renders without API round trips:
/// exact, current, private, and unable to break out of its element whatever the mail says.
/// </summary>
public sealed partial class StartPageTests(WebFixture fixture) : IClassFixture<WebFixture>
{
    private readonly TestServer _server = fixture.Server;

    [GeneratedRegex("<script type=\"application/json\" id=\"boot\">(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex StartDataBlock();

    private static JsonElement StartData(ApiResponse page)
    {
        var match = StartDataBlock().Match(page.Text);
        Assert.True(match.Success, "the page has no start data block");
        return JsonDocument.Parse(match.Groups[1].Value).RootElement.Clone();
    }

    [Fact]
    public async Task SignedInBrowser_GetsInboxFoldersAndSession_InThePage_NeverCached()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var bob = await WebUser.NewAsync(_server, "bob");
        for (int i = 1; i <= 3; i++)
        {
            await alice.SendMailAsync(bob.User, $"note {i}");
        }

        var page = (await bob.GetAsync("/")).AssertStatus(200);

        Assert.Equal("text/html", page.MediaType);
        Assert.True(page.Headers.CacheControl?.NoStore, "a page with a session's mail in it must not be stored");
        Assert.Null(page.Headers.ETag);
        Assert.NotNull(page.Headers.GetValues("Content-Security-Policy").SingleOrDefault());
        var start = StartData(page);
        Assert.Equal(bob.User, start.GetProperty("session").Str("user"));
        Assert.Equal(bob.Csrf, start.GetProperty("session").Str("csrf"));
        Assert.False(string.IsNullOrEmpty(start.GetProperty("server").Str("version")));
        var inbox = start.GetProperty("folders").EnumerateArray().Single(f => f.Str("name") == "Inbox");
        Assert.Equal(3, inbox.GetProperty("unread").GetInt32());
        string[] subjects = [.. start.GetProperty("inbox").GetProperty("items").EnumerateArray().Select(m => m.Str("subject"))];
        Assert.Equal(["note 3", "note 2", "note 1"], subjects);

        // Exactly what the list endpoint answers for the same page.
        var listed = await bob.ListAsync("Inbox", "?limit=50");
        Assert.Equal(listed.GetRawText(), start.GetProperty("inbox").GetRawText());
    }

    [Fact]
    public async Task StartData_FollowsChanges_InTheInbox()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var bob = await WebUser.NewAsync(_server, "bob");
        var sent = await alice.SendMailAsync(bob.User, "first");
        long id = (await bob.FindAsync(sent.GetProperty("message").GetInt64())).GetProperty("id").GetInt64();
        var before = StartData((await bob.GetAsync("/")).AssertStatus(200));

        (await bob.GetAsync($"api/messages/{id}")).AssertStatus(200);
        await alice.SendMailAsync(bob.User, "second");
        var after = StartData((await bob.GetAsync("/")).AssertStatus(200));

        Assert.Single(before.GetProperty("inbox").GetProperty("items").EnumerateArray());
        var items = after.GetProperty("inbox").GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["second", "first"], items.Select(m => m.Str("subject")));
        Assert.Contains("seen", items[1].GetProperty("flags").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(1, after.GetProperty("folders").EnumerateArray().Single(f => f.Str("name") == "Inbox").GetProperty("unread").GetInt32());
    }

    [Fact]
    public async Task HostileSubjectAndNames_CannotLeaveTheDataBlock()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var bob = await WebUser.NewAsync(_server, "bob");
        const string Hostile = "</script><script>alert(1)</script><!-- \"'&<img src=x onerror=alert(2)> \u2028";
        await alice.SendMailAsync(bob.User, Hostile, Hostile);
        using var anonymous = WebUser.Anonymous(_server);
        int staticScriptEnds = Regex.Count((await anonymous.GetAsync("/")).AssertStatus(200).Text, "</script", RegexOptions.IgnoreCase);

        var page = (await bob.GetAsync("/")).AssertStatus(200);

        // One more </script> than the static page: the data block's own end, nothing from the mail.
        Assert.Equal(staticScriptEnds + 1, Regex.Count(page.Text, "</script", RegexOptions.IgnoreCase));
        Assert.DoesNotContain("<img src=x", page.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("<!-- \"", page.Text, StringComparison.Ordinal);
        var item = Assert.Single(StartData(page).GetProperty("inbox").GetProperty("items").EnumerateArray());
        Assert.Equal(Hostile, item.Str("subject"));
    }

    [Fact]
    public async Task NoSession_RevokedCookie_OrBearer_GetTheStaticPage()
    {
        using var bob = await WebUser.NewAsync(_server, "bob");
        string cookie = bob.SessionCookie!;
        using var script = await bob.NewScriptAsync();
        (await bob.DeleteAsync("api/session")).AssertStatus(204);
        using var anonymous = WebUser.Anonymous(_server);
        using var revoked = WebUser.WithCookie(_server, bob.User, cookie);

        foreach (var web in new[] { anonymous, revoked, script })
        {
            var page = (await web.GetAsync("/")).AssertStatus(200);
            Assert.Equal("text/html", page.MediaType);
            Assert.DoesNotMatch(StartDataBlock(), page.Text);
            Assert.NotNull(page.Headers.ETag);
        }
    }

    [Fact]
    public async Task Head_WithSession_HasNoBody()
    {
        using var bob = await WebUser.NewAsync(_server, "bob");

        var head = (await bob.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/"))).AssertStatus(200);

        Assert.Equal("text/html", head.MediaType);
        Assert.Empty(head.Bytes);
        Assert.True(head.Headers.CacheControl?.NoStore);
    }
}
