using System.Text.Json;
using System.Text.RegularExpressions;
using Carteiro.IntegrationTests.Support;
using Carteiro.TestKit;

namespace Carteiro.IntegrationTests;

/// <summary>
/// Message ids are per account: another account's ids answer exactly like ids that do not exist,
/// and touching them changes nothing.
/// </summary>
public sealed partial class IsolationTests(ServerFixture fixture) : IClassFixture<ServerFixture>, IAsyncLifetime
{
    private const long Nonexistent = 987_654_321;
    private static readonly string[] Probes =
    [
        "READ {0}", "READ {0} PEEK", "READ {0} ATTACHMENTS", "RAW {0}", "FLAG {0} +seen", "FLAG {0} -seen +flagged",
        "MOVE {0} Trash", "MOVE {0} Inbox", "DELETE {0}", "DELETE {0} PURGE", "SEND TO {1} SUBJECT sneaky BODY x REPLY {0}",
    ];

    private readonly TestServer _server = fixture.Server;
    private Peer _alice = null!;
    private Peer _bob = null!;
    private Peer _carol = null!;
    private List<long> _bobIds = [];
    private string _secret = "";

    public async ValueTask InitializeAsync()
    {
        // Alice owns no message at all, so every id is someone else's or nobody's to her.
        _alice = await Peer.NewUserAsync(_server, "alice");
        _bob = await Peer.NewUserAsync(_server, "bob");
        _carol = await Peer.NewUserAsync(_server, "carol");
        _secret = $"zq{Guid.NewGuid():N}"[..16];
        for (int i = 0; i < 3; i++)
        {
            var sent = (await _carol.SendMailAsync(_bob.User, $"private {_secret}", $"for bob only {_secret}")).Json;
            _bobIds.Add((await _bob.MailAsync(sent.Long("message"))).Long("id"));
        }

        _bobIds.Add((await _bob.SendMailAsync(_carol.User, "bob's own", "sent by bob")).Json.Long("id"));
    }

    public async ValueTask DisposeAsync()
    {
        await _alice.DisposeAsync();
        await _bob.DisposeAsync();
        await _carol.DisposeAsync();
    }

    private IEnumerable<long> IdsAroundBobs() => Enumerable.Range(0, (int)(_bobIds.Max() - _bobIds.Min() + 11)).Select(i => _bobIds.Min() - 5 + i).Where(id => id > 0);

    [Fact]
    public async Task ForeignIds_AnsweredExactlyLikeNonexistentIds()
    {
        foreach (string probe in Probes)
        {
            var reference = await _alice.CommandAsync(string.Format(null, probe, Nonexistent, _bob.User));
            reference.AssertNo("no-such-message");
            foreach (long id in IdsAroundBobs())
            {
                var reply = await _alice.CommandAsync(string.Format(null, probe, id, _bob.User));

                Assert.True(reply.Code == "no-such-message", $"{probe} with {id}: {reply.Line}");
                Assert.Equal(Shape(reference.Text, Nonexistent), Shape(reply.Text, id));
            }
        }
    }

    [Fact]
    public async Task ForeignIds_ProbedWithEveryCommand_OwnerMessagesUnchanged()
    {
        var before = await BobsMessagesAsync();

        foreach (string probe in Probes)
        {
            foreach (long id in IdsAroundBobs())
            {
                await _alice.CommandAsync(string.Format(null, probe, id, _bob.User));
            }
        }

        var after = await BobsMessagesAsync();
        Assert.Equal(before, after);
        Assert.Equal(0, (await _alice.CommandAsync("LIST Sent")).Json.Long("total"));
        foreach (long id in _bobIds)
        {
            (await _bob.CommandAsync($"READ {id} PEEK")).AssertOk();
        }
    }

    [Fact]
    public async Task Search_NeverReturnsOthersMail()
    {
        var alices = await _alice.CommandAsync($"SEARCH {_secret}");
        var alicesPrefix = await _alice.CommandAsync($"SEARCH {_secret[..8]}*");
        var alicesNames = await _alice.CommandAsync($"SEARCH {_bob.User}");
        var bobs = await _bob.CommandAsync($"SEARCH {_secret}");

        Assert.Empty(alices.Data("ITEM"));
        Assert.Equal(0, alices.Json.Long("count"));
        Assert.Empty(alicesPrefix.Data("ITEM"));
        Assert.Empty(alicesNames.Data("ITEM"));
        Assert.Equal(3, bobs.Json.Long("count"));
        Assert.All(bobs.Data("ITEM"), i => Assert.Contains(i.Long("id"), _bobIds));
    }

    // Everything the owner can see of their messages: folder, uid, flags, modseq per id.
    private async Task<List<string>> BobsMessagesAsync()
    {
        var all = new List<JsonElement>();
        foreach (string folder in new[] { "Inbox", "Sent", "Trash" })
        {
            all.AddRange((await _bob.CommandAsync($"LIST {folder}")).Data("ITEM"));
        }

        return [.. all.Select(i => $"{i.Long("id")} {i.Str("folder")} {i.Long("uid")} {string.Join(',', i.Flags())} {i.Long("modseq")}").Order(StringComparer.Ordinal)];
    }

    // The reply text with the probed id blanked out, so texts for different ids compare.
    private static string Shape(string text, long id) => NumberPattern().Replace(text, m => m.Value == id.ToString(null, null) ? "#" : m.Value);

    [GeneratedRegex(@"\d+")]
    private static partial Regex NumberPattern();
}
