using Carteiro.Client;
using Carteiro.TestKit;
using Carteiro.Web.Tests.Support;

namespace Carteiro.Web.Tests;

/// <summary>Server-sent events on /api/events, across devices and across the HTTP and native doors.</summary>
public sealed class LiveTests(WebFixture fixture) : IClassFixture<WebFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task Events_FirstHello_ThenMailFromAnHttpSend()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var bob = await WebUser.NewAsync(_server, "bob");
        await using var stream = await EventStream.OpenAsync(bob);

        Assert.Equal("no-store", stream.Response.Headers.CacheControl?.ToString());
        var sent = await alice.SendMailAsync(bob.User, "live one", "hello bob");

        var mail = await stream.WaitForAsync("mail", d => d.Long("message") == sent.Long("message"));
        Assert.Equal("live one", mail.Data.Str("subject"));
        Assert.Equal(alice.User, mail.Data.Str("from"));
        Assert.Equal("Inbox", mail.Data.Str("folder"));
        Assert.Equal("hello bob", mail.Data.Str("snippet"));
        Assert.Empty(mail.Data.Flags());
        Assert.Equal((await bob.FindAsync(sent.Long("message"))).Long("id"), mail.Data.Long("id"));
    }

    [Fact]
    public async Task Events_SendersOtherDevice_GetsTheSentCopy()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var aliceLaptop = await WebUser.SignInAsync(_server, alice.User);
        using var bob = await WebUser.NewAsync(_server, "bob");
        await using var laptop = await EventStream.OpenAsync(aliceLaptop);

        var sent = await alice.SendMailAsync(bob.User, "from my phone", "x");

        var copy = await laptop.WaitForAsync("mail", d => d.Long("message") == sent.Long("message"));
        Assert.Equal("Sent", copy.Data.Str("folder"));
        Assert.Equal(sent.Long("id"), copy.Data.Long("id"));
    }

    [Fact]
    public async Task NativeSend_ArrivesAsServerSentEvent()
    {
        var alice = await _server.CreateUserAsync(UniqueName.Of("native"));
        using var bob = await WebUser.NewAsync(_server, "bob");
        await using var stream = await EventStream.OpenAsync(bob);
        await using var client = await CarteiroClient.ConnectAsync(_server.Host, _server.Port, cancellationToken: TestContext.Current.CancellationToken);
        await client.LoginAsync(alice.Name, Passwords.Default, TestContext.Current.CancellationToken);

        var sent = await client.SendAsync(new OutgoingMail { To = [bob.User], Subject = "over the wire", Body = "native to web" }, TestContext.Current.CancellationToken);

        var mail = await stream.WaitForAsync("mail", d => d.Long("message") == sent.MessageId);
        Assert.Equal("over the wire", mail.Data.Str("subject"));
        Assert.Equal(alice.Name, mail.Data.Str("from"));
        Assert.Equal("native to web", (await bob.PeekAsync(mail.Data.Long("id"))).Str("body"));
    }

    [Fact]
    public async Task HttpSend_ReachesNativeClientsEventStream()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        var bob = await _server.CreateUserAsync(UniqueName.Of("native"));
        await using var client = await CarteiroClient.ConnectAsync(_server.Host, _server.Port, cancellationToken: TestContext.Current.CancellationToken);
        await client.LoginAsync(bob.Name, Passwords.Default, TestContext.Current.CancellationToken);

        var sent = await alice.SendMailAsync(bob.Name, "over http", "web to native");

        var mail = await NextNativeAsync<MailEvent>(client, e => e.Message.MessageId == sent.Long("message"));
        Assert.Equal("over http", mail.Message.Subject);
        Assert.Equal(alice.User, mail.Message.From);
        var read = await client.ReadAsync(mail.Message.Id, peek: true, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal("web to native", read.Body);
    }

    [Fact]
    public async Task FlagChangeFromAnotherDevice_ArrivesAsUpdate()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var bob = await WebUser.NewAsync(_server, "bob");
        using var bobPhone = await bob.NewScriptAsync();
        var sent = await alice.SendMailAsync(bob.User, "flag me", "x");
        long id = (await bob.FindAsync(sent.Long("message"))).Long("id");
        await using var stream = await EventStream.OpenAsync(bob);

        (await bobPhone.PatchAsync($"api/messages/{id}", new { flagged = true })).AssertStatus(200);

        var update = await stream.WaitForAsync("update", d => d.Long("id") == id);
        Assert.Contains("flagged", update.Data.Flags());
        Assert.Equal("Inbox", update.Data.Str("folder"));
    }

    [Fact]
    public async Task FlagChangeOverNative_ArrivesAsUpdateOnTheWeb()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var bob = await WebUser.NewAsync(_server, "bob");
        var sent = await alice.SendMailAsync(bob.User, "read me natively", "x");
        long id = (await bob.FindAsync(sent.Long("message"))).Long("id");
        await using var stream = await EventStream.OpenAsync(bob);
        await using var client = await CarteiroClient.ConnectAsync(_server.Host, _server.Port, cancellationToken: TestContext.Current.CancellationToken);
        await client.LoginAsync(bob.User, Passwords.Default, TestContext.Current.CancellationToken);

        await client.ReadAsync(id, cancellationToken: TestContext.Current.CancellationToken);

        var update = await stream.WaitForAsync("update", d => d.Long("id") == id);
        Assert.Contains("seen", update.Data.Flags());
    }

    [Fact]
    public async Task MoveToTrash_ArrivesAsUpdate_DeleteForGood_ArrivesAsRemoved()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var bob = await WebUser.NewAsync(_server, "bob");
        using var bobPhone = await WebUser.SignInAsync(_server, bob.User);
        var first = await alice.SendMailAsync(bob.User, "trash me", "x");
        var second = await alice.SendMailAsync(bob.User, "purge me", "x");
        var firstSummary = await bob.FindAsync(first.Long("message"));
        var secondSummary = await bob.FindAsync(second.Long("message"));
        await using var stream = await EventStream.OpenAsync(bob);

        var trashed = (await bobPhone.DeleteAsync($"api/messages/{firstSummary.Long("id")}")).AssertStatus(200).Json;
        var update = await stream.WaitForAsync("update", d => d.Long("message") == first.Long("message"));
        Assert.Equal("Trash", update.Data.Str("folder"));
        Assert.Equal(trashed.Long("id"), update.Data.Long("id"));

        (await bobPhone.DeleteAsync($"api/messages/{trashed.Long("id")}")).AssertStatus(200);
        var removedFromTrash = await stream.WaitForAsync("removed", d => d.Long("id") == trashed.Long("id"));
        Assert.Equal("Trash", removedFromTrash.Data.Str("folder"));

        (await bobPhone.DeleteAsync($"api/messages/{secondSummary.Long("id")}?purge=true")).AssertStatus(200);
        var removed = await stream.WaitForAsync("removed", d => d.Long("id") == secondSummary.Long("id"));
        Assert.Equal("Inbox", removed.Data.Str("folder"));
        Assert.Equal(secondSummary.Long("uid"), removed.Data.Long("uid"));
    }

    [Fact]
    public async Task OpeningAStream_AnnouncesPresenceOnline_ToOthers()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var bob = await WebUser.NewAsync(_server, "bob");
        await using var bobStream = await EventStream.OpenAsync(bob);

        await using var aliceStream = await EventStream.OpenAsync(alice);

        var presence = await bobStream.WaitForAsync("presence", d => d.Str("user") == alice.User);
        Assert.True(presence.Data.Bool("online"));
    }

    [Fact]
    public async Task ClosingTheLastStream_AnnouncesPresenceOffline()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var bob = await WebUser.NewAsync(_server, "bob");
        await using var bobStream = await EventStream.OpenAsync(bob);
        var aliceStream = await EventStream.OpenAsync(alice);
        await bobStream.WaitForAsync("presence", d => d.Str("user") == alice.User && d.Bool("online"));

        await aliceStream.DisposeAsync();

        await bobStream.WaitForAsync("presence", d => d.Str("user") == alice.User && !d.Bool("online"), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task SignOut_SendsByeAndEndsStream_OfflineAtOnce_OldCookie401()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var bob = await WebUser.NewAsync(_server, "bob");
        await using var bobStream = await EventStream.OpenAsync(bob);
        await using var aliceStream = await EventStream.OpenAsync(alice);
        await bobStream.WaitForAsync("presence", d => d.Str("user") == alice.User && d.Bool("online"));
        string oldCookie = alice.SessionCookie!;
        Assert.NotNull(oldCookie);

        var signedOut = await alice.DeleteAsync("api/session");

        signedOut.AssertStatus(204);
        var cleared = Assert.Single(signedOut.SetCookies, c => c.StartsWith(WebUser.CookieName + "=", StringComparison.Ordinal));
        Assert.Contains("expires=Thu, 01 Jan 1970", cleared, StringComparison.OrdinalIgnoreCase);
        var bye = await aliceStream.WaitForAsync("bye", timeout: TimeSpan.FromSeconds(5));
        Assert.Equal("signed-out", bye.Data.Str("reason"));
        Assert.Empty(await aliceStream.ReadToEndAsync(TimeSpan.FromSeconds(5)));
        await bobStream.WaitForAsync("presence", d => d.Str("user") == alice.User && !d.Bool("online"), TimeSpan.FromSeconds(3));
        Assert.DoesNotContain(alice.User, (await bob.GetAsync("api/who")).AssertStatus(200).Json.EnumerateArray().Select(e => e.Str("name")));

        Assert.Null(alice.SessionCookie);
        using var replay = WebUser.WithCookie(_server, alice.User, oldCookie, alice.Csrf);
        (await replay.GetAsync("api/session")).AssertProblem(401, "auth-failed");
        (await replay.GetAsync("api/folders")).AssertProblem(401, "auth-failed");
        (await replay.PostAsync("api/messages", new { to = new[] { bob.User }, subject = "ghost", body = "x" })).AssertProblem(401, "auth-failed");
        (await alice.GetAsync("api/session")).AssertProblem(401, "not-signed-in");
    }

    [Fact]
    public async Task SignOut_WithBearer_RevokesThatTokenOnly()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var script = await alice.NewScriptAsync();
        using var other = await alice.NewScriptAsync();
        await using var scriptStream = await EventStream.OpenAsync(script);

        (await script.DeleteAsync("api/session")).AssertStatus(204);

        Assert.Equal("signed-out", (await scriptStream.WaitForAsync("bye", timeout: TimeSpan.FromSeconds(5))).Data.Str("reason"));
        (await script.GetAsync("api/session")).AssertProblem(401, "auth-failed");
        (await other.GetAsync("api/session")).AssertStatus(200);
        (await alice.GetAsync("api/session")).AssertStatus(200);
    }

    [Fact]
    public async Task PasswordChange_RevokesOtherLogins_ChangingBrowserStaysSignedIn()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var otherBrowser = await WebUser.SignInAsync(_server, alice.User);
        using var script = await alice.NewScriptAsync();
        await using var scriptStream = await EventStream.OpenAsync(script);
        await using var client = await CarteiroClient.ConnectAsync(_server.Host, _server.Port, cancellationToken: TestContext.Current.CancellationToken);
        await client.LoginAsync(alice.User, Passwords.Default, TestContext.Current.CancellationToken);
        string nativeToken = await client.CreateTokenAsync("native", TestContext.Current.CancellationToken);
        string oldCookie = alice.SessionCookie!;
        const string NewPassword = "a much better password";

        var changed = await alice.PostAsync("api/password", new { oldPassword = Passwords.Default, newPassword = NewPassword });

        var json = changed.AssertStatus(200).Json;
        Assert.Equal(alice.User, json.Str("user"));
        string newCsrf = json.Str("csrf");
        Assert.NotEqual(alice.Csrf, newCsrf);
        Assert.Contains(changed.SetCookies, c => c.StartsWith(WebUser.CookieName + "=", StringComparison.Ordinal));
        Assert.NotEqual(oldCookie, alice.SessionCookie);
        alice.Csrf = newCsrf;

        // Other logins: revoked.
        (await script.GetAsync("api/session")).AssertProblem(401, "auth-failed");
        (await otherBrowser.GetAsync("api/session")).AssertProblem(401, "auth-failed");
        using (var replay = WebUser.WithCookie(_server, alice.User, oldCookie))
        {
            (await replay.GetAsync("api/session")).AssertProblem(401, "auth-failed");
        }

        using (var nativeScript = WebUser.WithToken(_server, alice.User, nativeToken))
        {
            (await nativeScript.GetAsync("api/session")).AssertProblem(401, "auth-failed");
        }

        var bye = await scriptStream.WaitForAsync("bye", timeout: TimeSpan.FromSeconds(5));
        Assert.Equal("password-changed", bye.Data.Str("reason"));

        // The changing browser: still in, with the new CSRF value.
        var session = (await alice.GetAsync("api/session")).AssertStatus(200).Json;
        Assert.Equal(newCsrf, session.Str("csrf"));
        (await alice.PostAsync("api/messages", new { to = new[] { alice.User }, subject = "still here", body = "x" })).AssertStatus(201);

        // Passwords: the old one no longer signs in, the new one does.
        using var anonymous = WebUser.Anonymous(_server);
        (await anonymous.PostAsync("api/session", new { user = alice.User, password = Passwords.Default })).AssertProblem(401, "auth-failed");
        using var fresh = await WebUser.SignInAsync(_server, alice.User, NewPassword);
    }

    [Fact]
    public async Task PasswordChange_WrongOldPassword_401AndNothingRevoked()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var script = await alice.NewScriptAsync();

        (await alice.PostAsync("api/password", new { oldPassword = "not my password", newPassword = "whatever long enough" })).AssertProblem(401, "auth-failed");
        (await alice.PostAsync("api/password", new { oldPassword = Passwords.Default, newPassword = "short" })).AssertProblem(400, "invalid-password");

        (await script.GetAsync("api/session")).AssertStatus(200);
        (await alice.GetAsync("api/session")).AssertStatus(200);
        using var again = await WebUser.SignInAsync(_server, alice.User, Passwords.Default);
    }

    private static async Task<T> NextNativeAsync<T>(CarteiroClient client, Func<T, bool> match)
        where T : ClientEvent
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Wait);
        var seen = new List<ClientEvent>();
        try
        {
            while (true)
            {
                var next = await client.Events.ReadAsync(timeout.Token);
                seen.Add(next);
                if (next is T wanted && match(wanted))
                {
                    return wanted;
                }
            }
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no {typeof(T).Name} on the native client in time; seen: {string.Join(" | ", seen)}");
        }
    }
}
