using Carteiro.TestKit;
using Carteiro.Web.Tests.Support;

namespace Carteiro.Web.Tests;

/// <summary>
/// Cookie-authenticated changes need the X-Carteiro-Csrf value from the sign-in answer; bearer
/// requests do not. A refused request changes nothing.
/// </summary>
public sealed class CsrfTests(WebFixture fixture) : IClassFixture<WebFixture>
{
    private readonly TestServer _server = fixture.Server;

    private async Task<(WebUser Alice, WebUser Bob, long BobsId)> TwoUsersWithOneMessageAsync()
    {
        var alice = await WebUser.NewAsync(_server, "alice");
        var bob = await WebUser.NewAsync(_server, "bob");
        var sent = await alice.SendMailAsync(bob.User, "for csrf", "body");
        long id = (await bob.FindAsync(sent.Long("message"))).Long("id");
        return (alice, bob, id);
    }

    [Fact]
    public async Task CookiePost_WithoutHeader_403Csrf_AndNothingSent()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var bob = await WebUser.NewAsync(_server, "bob");

        var answer = await alice.PostAsync("api/messages", new { to = new[] { bob.User }, subject = "forged", body = "x" }, csrf: false);

        answer.AssertProblem(403, "csrf");
        Assert.Equal(0, (await alice.FolderAsync("Sent")).Long("total"));
        Assert.Equal(0, (await bob.FolderAsync("Inbox")).Long("total"));
    }

    [Fact]
    public async Task CookiePost_WithWrongHeader_403Csrf_AndNothingSent()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var bob = await WebUser.NewAsync(_server, "bob");

        var answer = await alice.SendAsync(HttpMethod.Post, "api/messages", new { to = new[] { bob.User }, subject = "forged", body = "x" }, csrfValue: "wrong-" + alice.Csrf);

        answer.AssertProblem(403, "csrf");
        Assert.Equal(0, (await bob.FolderAsync("Inbox")).Long("total"));
    }

    [Fact]
    public async Task CsrfValue_OfAnotherSessionOfTheSameUser_Refused()
    {
        using var first = await WebUser.NewAsync(_server, "twice");
        using var second = await WebUser.SignInAsync(_server, first.User);
        Assert.NotEqual(first.Csrf, second.Csrf);

        (await first.SendAsync(HttpMethod.Post, "api/tokens", new { label = "x" }, csrfValue: second.Csrf)).AssertProblem(403, "csrf");
    }

    [Fact]
    public async Task CookiePatch_WithoutOrWrongHeader_403Csrf_AndFlagsUnchanged()
    {
        var (alice, bob, id) = await TwoUsersWithOneMessageAsync();
        using var a = alice;
        using var b = bob;

        (await bob.PatchAsync($"api/messages/{id}", new { seen = true, flagged = true }, csrf: false)).AssertProblem(403, "csrf");
        (await bob.SendAsync(HttpMethod.Patch, $"api/messages/{id}", new { seen = true, flagged = true }, csrfValue: "nope")).AssertProblem(403, "csrf");

        var message = await bob.PeekAsync(id);
        Assert.Empty(message.Flags());
        Assert.Equal(1, (await bob.FolderAsync("Inbox")).Long("unread"));
    }

    [Fact]
    public async Task CookieDelete_WithoutHeader_403Csrf_AndMessageStays()
    {
        var (alice, bob, id) = await TwoUsersWithOneMessageAsync();
        using var a = alice;
        using var b = bob;

        (await bob.DeleteAsync($"api/messages/{id}?purge=true", csrf: false)).AssertProblem(403, "csrf");
        (await bob.PostAsync($"api/messages/{id}/move", new { folder = "Trash" }, csrf: false)).AssertProblem(403, "csrf");

        Assert.Equal("Inbox", (await bob.PeekAsync(id)).Str("folder"));
        Assert.Equal(1, (await bob.FolderAsync("Inbox")).Long("total"));
    }

    [Fact]
    public async Task CookieSignOut_WithoutHeader_403Csrf_AndStillSignedIn()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");

        (await alice.DeleteAsync("api/session", csrf: false)).AssertProblem(403, "csrf");

        Assert.Equal(alice.User, (await alice.GetAsync("api/session")).AssertStatus(200).Json.Str("user"));
    }

    [Fact]
    public async Task CookiePasswordChange_WithoutHeader_403Csrf_AndPasswordUnchanged()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");

        (await alice.PostAsync("api/password", new { oldPassword = Passwords.Default, newPassword = "a brand new password" }, csrf: false)).AssertProblem(403, "csrf");

        using var again = await WebUser.SignInAsync(_server, alice.User, Passwords.Default);
    }

    [Fact]
    public async Task CookieRequests_WithRightHeader_Work()
    {
        var (alice, bob, id) = await TwoUsersWithOneMessageAsync();
        using var a = alice;
        using var b = bob;

        var patched = (await bob.PatchAsync($"api/messages/{id}", new { flagged = true })).AssertStatus(200).Json;
        Assert.Contains("flagged", patched.Flags());
        (await bob.PostAsync("api/messages", new { to = new[] { alice.User }, subject = "with header", body = "ok" })).AssertStatus(201);
        Assert.Equal("Trash", (await bob.DeleteAsync($"api/messages/{id}")).AssertStatus(200).Json.Str("folder"));
    }

    [Fact]
    public async Task BearerRequests_NeedNoCsrfHeader()
    {
        var (alice, bob, id) = await TwoUsersWithOneMessageAsync();
        using var a = alice;
        using var b = bob;
        using var script = await bob.NewScriptAsync();

        var sent = (await script.PostAsync("api/messages", new { to = new[] { alice.User }, subject = "from a script", body = "x" })).AssertStatus(201).Json;
        Assert.Equal("from a script", (await alice.FindAsync(sent.Long("message"))).Str("subject"));
        Assert.Contains("flagged", (await script.PatchAsync($"api/messages/{id}", new { flagged = true })).AssertStatus(200).Json.Flags());
        Assert.True((await script.DeleteAsync($"api/messages/{id}?purge=true")).AssertStatus(200).Json.Bool("deleted"));
        (await script.PostAsync("api/tokens", new { label = "another" })).AssertStatus(201);
    }

    [Fact]
    public async Task GetRequests_WithCookie_NeedNoCsrfHeader()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");

        (await alice.SendAsync(HttpMethod.Get, "api/folders", csrf: false)).AssertStatus(200);
        (await alice.SendAsync(HttpMethod.Get, "api/session", csrf: false)).AssertStatus(200);
    }
}
