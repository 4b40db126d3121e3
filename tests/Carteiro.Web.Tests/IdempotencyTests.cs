using Carteiro.TestKit;
using Carteiro.Web.Tests.Support;

namespace Carteiro.Web.Tests;

/// <summary>A send with a clientId is safe to retry: the retry gets the first answer and stores nothing.</summary>
public sealed class IdempotencyTests(WebFixture fixture) : IClassFixture<WebFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task SameClientIdTwice_SecondIsDuplicateWithSameId_OneCopyDelivered()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var bob = await WebUser.NewAsync(_server, "bob");
        string clientId = Guid.NewGuid().ToString("N");
        var message = new { to = new[] { bob.User }, subject = "only once", body = "retry me", clientId };

        var first = (await alice.PostAsync("api/messages", message)).AssertStatus(201).Json;
        var second = (await alice.PostAsync("api/messages", message)).AssertStatus(201).Json;

        Assert.False(first.Bool("duplicate"));
        Assert.True(second.Bool("duplicate"));
        Assert.Equal(first.Long("id"), second.Long("id"));
        Assert.Equal(first.Long("message"), second.Long("message"));
        Assert.Equal(first.Str("date"), second.Str("date"));
        Assert.Equal(1, (await bob.FolderAsync("Inbox")).Long("total"));
        Assert.Equal(first.Long("message"), Assert.Single((await bob.ListAsync()).Items()).Long("message"));
        Assert.Equal(1, (await alice.FolderAsync("Sent")).Long("total"));
    }

    [Fact]
    public async Task SameClientIdFromBearerAndCookie_OfTheSameUser_IsOneSend()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var script = await alice.NewScriptAsync();
        using var bob = await WebUser.NewAsync(_server, "bob");
        string clientId = Guid.NewGuid().ToString("N");
        var message = new { to = new[] { bob.User }, subject = "once", body = "x", clientId };

        var first = (await alice.PostAsync("api/messages", message)).AssertStatus(201).Json;
        var second = (await script.PostAsync("api/messages", message)).AssertStatus(201).Json;

        Assert.True(second.Bool("duplicate"));
        Assert.Equal(first.Long("id"), second.Long("id"));
        Assert.Equal(1, (await bob.FolderAsync("Inbox")).Long("total"));
    }

    [Fact]
    public async Task SameClientIdFromDifferentUsers_AreTwoSends()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var carol = await WebUser.NewAsync(_server, "carol");
        using var bob = await WebUser.NewAsync(_server, "bob");
        string clientId = Guid.NewGuid().ToString("N");

        var fromAlice = (await alice.PostAsync("api/messages", new { to = new[] { bob.User }, subject = "a", body = "x", clientId })).AssertStatus(201).Json;
        var fromCarol = (await carol.PostAsync("api/messages", new { to = new[] { bob.User }, subject = "c", body = "x", clientId })).AssertStatus(201).Json;

        Assert.False(fromCarol.Bool("duplicate"));
        Assert.NotEqual(fromAlice.Long("message"), fromCarol.Long("message"));
        Assert.Equal(2, (await bob.FolderAsync("Inbox")).Long("total"));
    }

    [Fact]
    public async Task ConcurrentRetries_WithSameClientId_StoreOneCopy()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var bob = await WebUser.NewAsync(_server, "bob");
        string clientId = Guid.NewGuid().ToString("N");
        var message = new { to = new[] { bob.User }, subject = "raced", body = "x", clientId };

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => alice.PostAsync("api/messages", message)));

        var ids = answers.Select(a => a.AssertStatus(201).Json.Long("id")).Distinct().ToList();
        Assert.Single(ids);
        Assert.Equal(1, answers.Count(a => !a.Json.Bool("duplicate")));
        Assert.Equal(1, (await bob.FolderAsync("Inbox")).Long("total"));
    }
}
