using Carteiro.IntegrationTests.Support;
using Carteiro.TestKit;

namespace Carteiro.IntegrationTests;

/// <summary>
/// Greeting, registration and sign-in over real sockets. Sign-in failures are throttled per
/// address, and every test connects from 127.0.0.1, so tests that fail a sign-in run on a server
/// of their own.
/// </summary>
public sealed class SignInTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task Greeting_AnnouncesProtocolOneAndLimits()
    {
        await using var peer = await Peer.ConnectAsync(_server);

        var hello = Json.After(peer.Greeting, "* HELLO ");
        Assert.Equal(1, hello.Long("protocol"));
        Assert.True(hello.Bool("registration"));
        var limits = hello.GetProperty("limits");
        Assert.Equal(8192, limits.Long("maxLine"));
        Assert.Equal(25L * 1024 * 1024, limits.Long("maxMessage"));
        Assert.Equal(128, limits.Long("maxInFlight"));
        Assert.Equal(90, limits.Long("idleSeconds"));
        Assert.Equal(30, limits.Long("signInSeconds"));
    }

    [Fact]
    public async Task Register_OpenServer_CreatesAccountAndSignsIn()
    {
        string name = UniqueName.Of("newbie");
        await using var peer = await Peer.ConnectAsync(_server);

        var result = (await peer.CommandAsync($"REGISTER {name} {Json.Quote(Passwords.Default)}")).Json;

        Assert.Equal(name, result.Str("user"));
        Assert.False(result.Bool("admin"));
        Assert.Equal(3, (await peer.CommandAsync("FOLDERS")).AssertOk().Data("FOLDER").Count);
    }

    [Fact]
    public async Task Register_ClosedServer_RefusedWithRegistrationClosed()
    {
        await using var server = await TestServer.StartAsync(o => o with { RegistrationOpen = false }, cancellationToken: TestContext.Current.CancellationToken);
        await using var peer = await Peer.ConnectAsync(server);

        var reply = await peer.CommandAsync($"REGISTER {UniqueName.Of("hopeful")} {Json.Quote(Passwords.Default)}");

        Assert.False(Json.After(peer.Greeting, "* HELLO ").Bool("registration"));
        reply.AssertNo("registration-closed");
    }

    [Theory]
    [InlineData("lower")]
    [InlineData("upper")]
    [InlineData("same")]
    public async Task Register_NameTakenInAnyCase_RefusedWithNameTaken(string variant)
    {
        string name = UniqueName.Of("Taken");
        await _server.CreateUserAsync(name);
        string attempt = variant switch
        {
            "lower" => name.ToLowerInvariant(),
            "upper" => name.ToUpperInvariant(),
            _ => name,
        };
        await using var peer = await Peer.ConnectAsync(_server);

        var reply = await peer.CommandAsync($"REGISTER {attempt} {Json.Quote(Passwords.Default)}");

        reply.AssertNo("name-taken");
    }

    [Theory]
    [InlineData("\"two words\"")]
    [InlineData("slash/name")]
    [InlineData("caf\u00e9")]
    [InlineData("postmaster")]
    [InlineData("Admin")]
    [InlineData("everyone")]
    [InlineData("ALL")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task Register_InvalidOrReservedName_RefusedWithInvalidName(string name)
    {
        await using var peer = await Peer.ConnectAsync(_server);

        var reply = await peer.CommandAsync($"REGISTER {name} {Json.Quote(Passwords.Default)}");

        reply.AssertNo("invalid-name");
    }

    [Fact]
    public async Task Register_ShortPassword_RefusedWithInvalidPassword()
    {
        await using var peer = await Peer.ConnectAsync(_server);

        var reply = await peer.CommandAsync($"REGISTER {UniqueName.Of("weak")} seven77");

        reply.AssertNo("invalid-password");
    }

    [Fact]
    public async Task Login_RightPassword_SignsIn()
    {
        string name = UniqueName.Of("Member");
        await _server.CreateUserAsync(name);
        await using var peer = await Peer.ConnectAsync(_server);

        var result = (await peer.CommandAsync($"LOGIN {name.ToLowerInvariant()} {Json.Quote(Passwords.Default)}")).Json;

        Assert.Equal(name, result.Str("user"));
        Assert.False(result.Bool("admin"));
        (await peer.CommandAsync("LIST")).AssertOk();
    }

    [Fact]
    public async Task Login_WrongPasswordOrUnknownUser_SameAuthFailedReply()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        string name = UniqueName.Of("guarded");
        await server.CreateUserAsync(name);
        await using var peer = await Peer.ConnectAsync(server);

        var wrongPassword = await peer.CommandAsync($"LOGIN {name} \"not the password\"");
        var unknownUser = await peer.CommandAsync($"LOGIN {UniqueName.Of("ghost")} \"not the password\"");

        wrongPassword.AssertNo("auth-failed");
        unknownUser.AssertNo("auth-failed");
        Assert.Equal(wrongPassword.Text, unknownUser.Text);
    }

    [Fact]
    public async Task Login_RepeatedFailures_ThrottledEvenWithTheRightPassword()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        string name = UniqueName.Of("target");
        await server.CreateUserAsync(name);
        await using var peer = await Peer.ConnectAsync(server);

        // One write: the attempts run back to back, well inside the first back-off delay.
        await peer.Raw.SendAsync(
            $"f1 LOGIN {name} wrong-one\r\nf2 LOGIN {name} wrong-two\r\nf3 LOGIN {name} wrong-three\r\nf4 LOGIN {name} {Json.Quote(Passwords.Default)}\r\n",
            line: false);
        var replies = new List<Reply>();
        foreach (string tag in new[] { "f1", "f2", "f3", "f4" })
        {
            replies.Add(await peer.ReadReplyAsync(tag));
        }

        Assert.All(replies.Take(3), r => r.AssertNo("auth-failed"));
        replies[3].AssertNo("too-many-attempts");
    }

    [Fact]
    public async Task Token_CreateAuthRevoke_AuthFailsAfterRevoke()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        await using var owner = await Peer.NewUserAsync(server, "tokenowner");
        string token = (await owner.CommandAsync("TOKEN CREATE laptop")).Json.Str("token");

        await using var device = await Peer.ConnectAsync(server);
        var auth = (await device.CommandAsync($"AUTH {token}")).Json;
        (await device.CommandAsync("TOKEN REVOKE")).AssertOk();
        await using var later = await Peer.ConnectAsync(server);
        var afterRevoke = await later.CommandAsync($"AUTH {token}");

        Assert.StartsWith("crt_", token, StringComparison.Ordinal);
        Assert.Equal(owner.User, auth.Str("user"));
        afterRevoke.AssertNo("auth-failed");
    }

    [Fact]
    public async Task Passwd_ChangesPasswordAndRevokesTokens()
    {
        const string NewPassword = "a brand new secret";
        await using var server = await TestServer.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        await using var owner = await Peer.NewUserAsync(server, "rotator");
        string token = (await owner.CommandAsync("TOKEN CREATE phone")).Json.Str("token");

        (await owner.CommandAsync($"PASSWD {Json.Quote(Passwords.Default)} {Json.Quote(NewPassword)}")).AssertOk();

        await using var other = await Peer.ConnectAsync(server);
        (await other.CommandAsync($"LOGIN {owner.User} {Json.Quote(Passwords.Default)}")).AssertNo("auth-failed");
        (await other.CommandAsync($"AUTH {token}")).AssertNo("auth-failed");
        Assert.Equal(owner.User, (await other.CommandAsync($"LOGIN {owner.User} {Json.Quote(NewPassword)}")).Json.Str("user"));
    }

    [Theory]
    [InlineData("FOLDERS")]
    [InlineData("LIST")]
    [InlineData("LIST Sent")]
    [InlineData("READ 1")]
    [InlineData("RAW 1")]
    [InlineData("FLAG 1 +seen")]
    [InlineData("MOVE 1 Trash")]
    [InlineData("DELETE 1")]
    [InlineData("SEARCH hello")]
    [InlineData("WHO")]
    [InlineData("USERS a")]
    [InlineData("CREATE Projects")]
    [InlineData("TOKEN CREATE")]
    [InlineData("PASSWD oldpassword newpassword")]
    [InlineData("SEND TO someone BODY hi")]
    public async Task CommandBeforeSignIn_RefusedWithNotSignedIn(string command)
    {
        await using var peer = await Peer.ConnectAsync(_server);

        var reply = await peer.CommandAsync(command);

        reply.AssertNo("not-signed-in");
    }

    [Theory]
    [InlineData("LOGIN")]
    [InlineData("REGISTER")]
    public async Task SignInTwice_RefusedWithAlreadySignedIn(string verb)
    {
        await using var peer = await Peer.NewUserAsync(_server, "eager");

        var reply = await peer.CommandAsync($"{verb} {peer.User} {Json.Quote(Passwords.Default)}");

        reply.AssertNo("already-signed-in");
    }
}
