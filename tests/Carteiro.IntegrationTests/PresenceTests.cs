using System.Diagnostics;
using Carteiro.IntegrationTests.Support;
using Carteiro.TestKit;

namespace Carteiro.IntegrationTests;

/// <summary>Who is online, and how quickly others learn that someone came or went.</summary>
public sealed class PresenceTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    // Far below the shared server's 90 s idle timeout: going offline was not the timeout's doing.
    private static readonly TimeSpan Promptly = TimeSpan.FromSeconds(5);
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task Who_ListsSignedInUsersWithSessionCounts()
    {
        await using var phone = await Peer.NewUserAsync(_server, "twice");
        await using var laptop = await Peer.SignInAsync(_server, phone.User);
        await using var other = await Peer.NewUserAsync(_server, "once");

        var who = await other.CommandAsync("WHO");

        var users = who.Data("USER");
        Assert.Equal(2, users.Single(u => u.Str("name") == phone.User).Long("sessions"));
        Assert.Equal(1, users.Single(u => u.Str("name") == other.User).Long("sessions"));
        Assert.Equal(users.Count, who.Json.Long("count"));
    }

    [Fact]
    public async Task SignIn_PushesPresenceOnlineToOthers()
    {
        await using var watcher = await Peer.NewUserAsync(_server, "watcher");
        var newcomer = await _server.CreateUserAsync(UniqueName.Of("newcomer"));

        await using var arrived = await Peer.SignInAsync(_server, newcomer.Name);

        await watcher.EventAsync("PRESENCE", p => p.Str("user") == newcomer.Name && p.Bool("online"), Promptly);
    }

    [Fact]
    public async Task SecondSessionComingAndGoing_AnnouncesNothing()
    {
        await using var watcher = await Peer.NewUserAsync(_server, "watcher");
        await using var first = await Peer.NewUserAsync(_server, "multi");
        await watcher.EventAsync("PRESENCE", p => p.Str("user") == first.User && p.Bool("online"), Promptly);

        await using var second = await Peer.SignInAsync(_server, first.User);
        (await second.CommandAsync("LOGOUT")).AssertOk();

        // Presence reaches the watcher in order, so once the marker's arrival is in, anything about "multi" would be too.
        await using var marker = await Peer.NewUserAsync(_server, "marker");
        await watcher.EventAsync("PRESENCE", p => p.Str("user") == marker.User && p.Bool("online"), Promptly);
        Assert.False(watcher.HasSeen("PRESENCE", p => p.Str("user") == first.User));
        Assert.Equal(1, (await watcher.CommandAsync("WHO")).Data("USER").Single(u => u.Str("name") == first.User).Long("sessions"));
    }

    [Fact]
    public async Task Logout_PushesOfflineAtOnce()
    {
        await using var watcher = await Peer.NewUserAsync(_server, "watcher");
        await using var leaver = await Peer.NewUserAsync(_server, "leaver");

        var logout = await leaver.CommandAsync("LOGOUT");
        var stopwatch = Stopwatch.StartNew();
        await watcher.EventAsync("PRESENCE", p => p.Str("user") == leaver.User && !p.Bool("online"), Promptly);

        logout.AssertOk();
        Assert.Equal("logout", (await leaver.EventAsync("BYE")).Str("reason"));
        Assert.True(await leaver.Raw.WaitClosedAsync(Promptly));
        Assert.True(stopwatch.Elapsed < Promptly);
    }

    [Fact]
    public async Task KilledClient_OfflinePromptly()
    {
        await using var watcher = await Peer.NewUserAsync(_server, "watcher");
        await using var victim = await Peer.NewUserAsync(_server, "killed");

        victim.Raw.Abort();

        await watcher.EventAsync("PRESENCE", p => p.Str("user") == victim.User && !p.Bool("online"), Promptly);
        Assert.DoesNotContain((await watcher.CommandAsync("WHO")).Data("USER"), u => u.Str("name") == victim.User);
    }

    [Fact]
    public async Task SilentClient_ClosedByIdleTimeoutAndMarkedOffline()
    {
        await using var server = await TestServer.StartAsync(o => o with { IdleTimeout = TimeSpan.FromSeconds(2) }, cancellationToken: TestContext.Current.CancellationToken);
        await using var silent = await Peer.NewUserAsync(server, "silent");
        var stopwatch = Stopwatch.StartNew();

        // The client sends nothing more and keeps its socket open.
        var bye = await silent.EventAsync("BYE", timeout: TimeSpan.FromSeconds(10));
        var waited = stopwatch.Elapsed;

        Assert.Equal("idle-timeout", bye.Str("reason"));
        Assert.InRange(waited, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(8));
        Assert.True(await silent.Raw.WaitClosedAsync(Promptly));
        await using var observer = await Peer.NewUserAsync(server, "observer");
        Assert.DoesNotContain((await observer.CommandAsync("WHO")).Data("USER"), u => u.Str("name") == silent.User);
    }

    [Fact]
    public async Task NeverSignedIn_ClosedBySignInTimeout()
    {
        await using var server = await TestServer.StartAsync(o => o with { SignInTimeout = TimeSpan.FromSeconds(2) }, cancellationToken: TestContext.Current.CancellationToken);
        await using var lurker = await Peer.ConnectAsync(server);
        var stopwatch = Stopwatch.StartNew();

        // Commands other than sign-in do not count.
        (await lurker.CommandAsync("NOOP")).AssertOk();
        var bye = await lurker.EventAsync("BYE", timeout: TimeSpan.FromSeconds(10));

        Assert.Equal("sign-in-timeout", bye.Str("reason"));
        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8));
        Assert.True(await lurker.Raw.WaitClosedAsync(Promptly));
    }
}
