using System.Text.Json;
using System.Text.RegularExpressions;
using Carteiro.TestKit;
using Carteiro.Web.Tests.Support;

namespace Carteiro.Web.Tests;

/// <summary>
/// Message ids are per account: over HTTP, another account's ids answer exactly like ids that do
/// not exist, and touching them changes nothing.
/// </summary>
public sealed class IsolationTests(WebFixture fixture) : IClassFixture<WebFixture>
{
    private const long Nonexistent = 987_654_321;
    private readonly TestServer _server = fixture.Server;

    private static readonly (string Method, string Path, string? Body)[] Probes =
    [
        ("GET", "api/messages/{0}", null),
        ("GET", "api/messages/{0}?peek=true", null),
        ("GET", "api/messages/{0}/raw", null),
        ("GET", "api/messages/{0}/attachments/0", null),
        ("PATCH", "api/messages/{0}", "{\"seen\": true, \"flagged\": true}"),
        ("POST", "api/messages/{0}/move", "{\"folder\": \"Trash\"}"),
        ("POST", "api/messages/{0}/move", "{\"folder\": \"Inbox\"}"),
        ("DELETE", "api/messages/{0}", null),
        ("DELETE", "api/messages/{0}?purge=true", null),
    ];

    [Fact]
    public async Task ForeignIds_AnsweredExactlyLikeNonexistentIds_AndOwnerUnchanged()
    {
        using var owner = await WebUser.NewAsync(_server, "owner");
        using var carol = await WebUser.NewAsync(_server, "carol");
        using var mallory = await WebUser.NewAsync(_server, "mallory");
        var sent = (await carol.PostAsync("api/messages", new
        {
            to = new[] { owner.User },
            subject = "private",
            body = "for the owner only",
            attachments = new[] { new { name = "secret.txt", type = "text/plain", content = Convert.ToBase64String("top secret"u8.ToArray()) } },
        })).AssertStatus(201).Json;
        long ownersId = (await owner.FindAsync(sent.Long("message"))).Long("id");
        long ownSent = (await owner.SendMailAsync(carol.User, "owner's own", "sent by the owner")).Long("id");
        var before = new[] { await owner.PeekAsync(ownersId), await owner.PeekAsync(ownSent) };
        var foldersBefore = (await owner.GetAsync("api/folders")).AssertStatus(200).Text;
        using var script = await mallory.NewScriptAsync();

        foreach (var caller in new[] { mallory, script })
        {
            foreach (var (method, path, body) in Probes)
            {
                var reference = await caller.SendAsync(new HttpMethod(method), string.Format(null, path, Nonexistent), body);
                var referenceProblem = reference.AssertProblem(404, "no-such-message");
                foreach (long id in new[] { ownersId, ownSent, sent.Long("id") })
                {
                    var probe = await caller.SendAsync(new HttpMethod(method), string.Format(null, path, id), body);
                    var problem = probe.AssertProblem(404, "no-such-message");
                    Assert.True(Normalize(referenceProblem, Nonexistent) == Normalize(problem, id), $"{method} {path} with id {id}: {problem} differs from the answer for a nonexistent id: {referenceProblem}");
                }
            }
        }

        var after = new[] { await owner.PeekAsync(ownersId), await owner.PeekAsync(ownSent) };
        for (int i = 0; i < before.Length; i++)
        {
            Assert.Equal(before[i].ToString(), after[i].ToString());
        }

        Assert.Equal(foldersBefore, (await owner.GetAsync("api/folders")).AssertStatus(200).Text);
        Assert.Equal("top secret"u8.ToArray(), (await owner.GetAsync($"api/messages/{ownersId}/attachments/0")).AssertStatus(200).Bytes);
    }

    [Fact]
    public async Task ReplyToForeignId_404_AndNothingSent()
    {
        using var owner = await WebUser.NewAsync(_server, "owner");
        using var carol = await WebUser.NewAsync(_server, "carol");
        using var mallory = await WebUser.NewAsync(_server, "mallory");
        var sent = await carol.SendMailAsync(owner.User, "private", "x");
        long ownersId = (await owner.FindAsync(sent.Long("message"))).Long("id");

        (await mallory.PostAsync("api/messages", new { to = new[] { carol.User }, subject = "Re: private", body = "x", replyTo = ownersId })).AssertProblem(404, "no-such-message");

        Assert.Equal(0, (await mallory.FolderAsync("Sent")).Long("total"));
        Assert.DoesNotContain("answered", (await owner.PeekAsync(ownersId)).Flags());
    }

    [Fact]
    public async Task Search_NeverReturnsOthersMail()
    {
        using var owner = await WebUser.NewAsync(_server, "owner");
        using var carol = await WebUser.NewAsync(_server, "carol");
        using var mallory = await WebUser.NewAsync(_server, "mallory");
        string secret = "zq" + Guid.NewGuid().ToString("N")[..12];
        await carol.SendMailAsync(owner.User, $"private {secret}", $"for the owner only {secret}");

        Assert.Single((await owner.GetAsync($"api/search?q={secret}")).AssertStatus(200).Json.Items());
        Assert.Single((await carol.GetAsync($"api/search?q={secret}")).AssertStatus(200).Json.Items());
        foreach (string query in new[] { secret, "private", "owner", owner.User, carol.User })
        {
            foreach (string folder in new[] { "", "&folder=Inbox", "&folder=Sent" })
            {
                var found = (await mallory.GetAsync($"api/search?q={Uri.EscapeDataString(query)}{folder}")).AssertStatus(200).Json.Items();
                Assert.Empty(found);
            }
        }
    }

    // The detail names the id asked for; everything else must be identical.
    private static string Normalize(JsonElement problem, long id) =>
        Regex.Replace(problem.ToString(), $@"\b{id}\b", "{id}");
}
