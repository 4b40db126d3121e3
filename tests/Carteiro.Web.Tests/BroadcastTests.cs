using Carteiro.Core;
using Carteiro.TestKit;
using Carteiro.Web.Tests.Support;

namespace Carteiro.Web.Tests;

/// <summary>
/// Sending to everyone. Each test runs a server of its own: a broadcast lands in every account,
/// which would disturb the counts of tests sharing a server.
/// </summary>
public sealed class BroadcastTests
{
    [Fact]
    public async Task Everyone_ReachesEveryAccount()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        using var alice = await WebUser.NewAsync(server, "alice");
        var others = new List<WebUser>();
        for (int i = 0; i < 3; i++)
        {
            others.Add(await WebUser.NewAsync(server, "member"));
        }

        var sent = (await alice.PostAsync("api/messages", new { everyone = true, subject = "all hands", body = "meeting at 3" })).AssertStatus(201).Json;

        foreach (var member in others)
        {
            var copy = await member.FindAsync(sent.Long("message"));
            Assert.True(copy.Bool("everyone"));
            Assert.Equal("all hands", copy.Str("subject"));
            Assert.Equal(alice.User, copy.Str("from"));
            Assert.Equal(1, (await member.FolderAsync("Inbox")).Long("total"));
            member.Dispose();
        }

        var own = await alice.PeekAsync(sent.Long("id"));
        Assert.Equal("Sent", own.Str("folder"));
        Assert.True(own.Bool("everyone"));
    }

    [Fact]
    public async Task Everyone_AsRecipientName_IsABroadcast()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        using var alice = await WebUser.NewAsync(server, "alice");
        using var bob = await WebUser.NewAsync(server, "bob");

        var sent = (await alice.PostAsync("api/messages", new { to = new[] { "everyone" }, subject = "hi all", body = "x" })).AssertStatus(201).Json;

        Assert.True((await bob.FindAsync(sent.Long("message"))).Bool("everyone"));
    }

    [Fact]
    public async Task AdminsOnlyServer_NonAdminGets403Forbidden_AdminMaySend()
    {
        await using var server = await TestServer.StartAsync(o => o with { Broadcast = BroadcastPolicy.Admins }, cancellationToken: TestContext.Current.CancellationToken);
        using var user = await WebUser.NewAsync(server, "plain");
        using var admin = await WebUser.NewAsync(server, "chief", admin: true);
        using var bob = await WebUser.NewAsync(server, "bob");

        Assert.Equal("admins", (await user.GetAsync("api/server")).AssertStatus(200).Json.Str("broadcast"));
        (await user.PostAsync("api/messages", new { everyone = true, subject = "spam", body = "x" })).AssertProblem(403, "forbidden");
        Assert.Equal(0, (await user.FolderAsync("Sent")).Long("total"));
        Assert.Equal(0, (await bob.FolderAsync("Inbox")).Long("total"));

        var sent = (await admin.PostAsync("api/messages", new { everyone = true, subject = "notice", body = "x" })).AssertStatus(201).Json;
        Assert.True((await bob.FindAsync(sent.Long("message"))).Bool("everyone"));
    }
}
