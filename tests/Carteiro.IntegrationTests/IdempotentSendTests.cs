using Carteiro.IntegrationTests.Support;
using Carteiro.TestKit;

namespace Carteiro.IntegrationTests;

/// <summary>SEND with a client ID is stored once however often it is retried.</summary>
public sealed class IdempotentSendTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task SameIdTwice_StoredOnceAndSecondReplyIsDuplicate()
    {
        await using var alice = await Peer.NewUserAsync(_server, "alice");
        await using var bob = await Peer.NewUserAsync(_server, "bob");
        string command = $"SEND TO {bob.User} SUBJECT retry BODY once ID {Guid.NewGuid():N}";

        var first = (await alice.CommandAsync(command)).Json;
        var second = (await alice.CommandAsync(command)).Json;

        Assert.False(first.Bool("duplicate"));
        Assert.True(second.Bool("duplicate"));
        Assert.Equal(first.Long("id"), second.Long("id"));
        Assert.Equal(first.Long("message"), second.Long("message"));
        Assert.Equal(1, (await alice.CommandAsync("LIST Sent")).Json.Long("total"));
        Assert.Equal(1, (await bob.CommandAsync("LIST")).Json.Long("total"));
    }

    [Fact]
    public async Task SameIdPipelinedInOneWrite_StoredOnceAndOneReplyIsDuplicate()
    {
        await using var alice = await Peer.NewUserAsync(_server, "alice");
        await using var bob = await Peer.NewUserAsync(_server, "bob");
        string id = Guid.NewGuid().ToString("N");

        await alice.Raw.SendAsync(
            $"d1 SEND TO {bob.User} SUBJECT twin BODY once ID {id}\r\nd2 SEND TO {bob.User} SUBJECT twin BODY once ID {id}\r\n",
            line: false);
        var replies = (await alice.ReadRepliesAsync(["d1", "d2"])).Select(r => r.Json).ToList();

        Assert.Equal([false, true], replies.Select(r => r.Bool("duplicate")).Order());
        Assert.Equal(replies[0].Long("id"), replies[1].Long("id"));
        Assert.Equal(replies[0].Long("message"), replies[1].Long("message"));
        Assert.Equal(1, (await alice.CommandAsync("LIST Sent")).Json.Long("total"));
        Assert.Equal(1, (await bob.CommandAsync("LIST")).Json.Long("total"));
    }

    [Fact]
    public async Task SameIdFromTwoSenders_AreTwoMessages()
    {
        await using var alice = await Peer.NewUserAsync(_server, "alice");
        await using var carol = await Peer.NewUserAsync(_server, "carol");
        await using var bob = await Peer.NewUserAsync(_server, "bob");
        string command = $"SEND TO {bob.User} SUBJECT shared BODY id ID {Guid.NewGuid():N}";

        var fromAlice = (await alice.CommandAsync(command)).Json;
        var fromCarol = (await carol.CommandAsync(command)).Json;

        Assert.False(fromCarol.Bool("duplicate"));
        Assert.NotEqual(fromAlice.Long("message"), fromCarol.Long("message"));
        Assert.Equal(2, (await bob.CommandAsync("LIST")).Json.Long("total"));
    }
}
