using System.Net;
using System.Net.Http.Headers;
using Carteiro.TestKit;
using Carteiro.Web.Tests.Support;

namespace Carteiro.Web.Tests;

/// <summary>
/// Folder pages carry an ETag from the folder's state and are served from a cache while it stands:
/// both must never hide a change.
/// </summary>
public sealed class ListCachingTests(WebFixture fixture) : IClassFixture<WebFixture>
{
    private readonly TestServer _server = fixture.Server;

    private static async Task<ApiResponse> ConditionalGetAsync(WebUser user, string path, EntityTagHeaderValue etag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.IfNoneMatch.Add(etag);
        return await user.SendAsync(request);
    }

    [Fact]
    public async Task UnchangedFolder_IfNoneMatchAnswers304WithoutABody()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var bob = await WebUser.NewAsync(_server, "bob");
        await alice.SendMailAsync(bob.User, "first");

        var first = (await bob.GetAsync("api/folders/Inbox/messages")).AssertStatus(200);
        var etag = first.Headers.ETag;

        Assert.NotNull(etag);
        var again = await ConditionalGetAsync(bob, "api/folders/Inbox/messages", etag);
        Assert.Equal(HttpStatusCode.NotModified, again.Status);
        Assert.Empty(again.Bytes);
    }

    [Fact]
    public async Task NewMail_ChangesTheETagAndTheCachedPage()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var bob = await WebUser.NewAsync(_server, "bob");
        await alice.SendMailAsync(bob.User, "one");
        var before = (await bob.GetAsync("api/folders/Inbox/messages")).AssertStatus(200);
        Assert.Single(before.Json.Items());

        await alice.SendMailAsync(bob.User, "two");

        var stale = await ConditionalGetAsync(bob, "api/folders/Inbox/messages", before.Headers.ETag!);
        Assert.Equal(HttpStatusCode.OK, stale.Status);
        Assert.Equal(["two", "one"], stale.Json.Items().Select(i => i.Str("subject")));
        Assert.NotEqual(before.Headers.ETag, stale.Headers.ETag);
    }

    [Fact]
    public async Task FlagChange_SameCountsNewPage()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var bob = await WebUser.NewAsync(_server, "bob");
        await alice.SendMailAsync(bob.User, "flag me");
        var before = (await bob.GetAsync("api/folders/Inbox/messages")).AssertStatus(200).Json.Items().Single();

        (await bob.PatchAsync($"api/messages/{before.Long("id")}", new { flagged = true, seen = true })).AssertStatus(200);

        var after = (await bob.GetAsync("api/folders/Inbox/messages")).AssertStatus(200).Json.Items().Single();
        Assert.DoesNotContain("flagged", before.Strings("flags"));
        Assert.Equal(["seen", "flagged"], after.Strings("flags"));
    }

    [Fact]
    public async Task SamePageForTwoUsers_NeverSharesOnesCopyWithTheOther()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var bob = await WebUser.NewAsync(_server, "bob");
        await alice.SendMailAsync(new { to = new[] { bob.User }, bcc = new[] { alice.User }, subject = "with bcc", body = "x" });

        var alicesSent = (await alice.GetAsync("api/folders/Sent/messages")).AssertStatus(200).Json.Items().Single();
        var bobsInbox = (await bob.GetAsync("api/folders/Inbox/messages")).AssertStatus(200).Json.Items().Single();
        var bobsSent = (await bob.GetAsync("api/folders/Sent/messages")).AssertStatus(200).Json.Items();

        Assert.Equal([alice.User], alicesSent.Strings("bcc"));
        Assert.Empty(bobsInbox.Strings("bcc"));
        Assert.Empty(bobsSent);
    }
}
