using Carteiro.Core.Mailboxes;

namespace Carteiro.Storage.Tests;

public abstract partial class MailStoreContract
{
    public static TheoryData<string, string> ForeignCases()
    {
        var cases = new TheoryData<string, string>();
        foreach (string operation in new[] { "get", "mime", "flags", "move", "delete" })
        {
            // The sender of the message, and a stranger to it.
            cases.Add(operation, "alice");
            cases.Add(operation, "carol");
        }

        return cases;
    }

    private async Task<object?> RunAsync(string operation, long accountId, long id) => operation switch
    {
        "get" => await Store.GetAsync(accountId, id, Ct),
        "mime" => await Store.GetMimeAsync(accountId, id, Ct),
        "flags" => await Store.SetFlagsAsync(accountId, id, MessageFlags.Seen | MessageFlags.Flagged, MessageFlags.None, Ct),
        "move" => await Store.MoveAsync(accountId, id, "Archive", Ct),
        "delete" => await Store.DeleteAsync(accountId, id, Ct),
        _ => throw new ArgumentOutOfRangeException(nameof(operation)),
    };

    [Theory]
    [MemberData(nameof(ForeignCases))]
    public async Task AnotherAccountsEntry_BehavesLikeAMissingOne(string operation, string caller)
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        var carol = await AccountAsync("carol");
        foreach (var account in new[] { alice, bob, carol })
        {
            await Store.CreateFolderAsync(account.Id, "Archive", Ct);
        }

        await SendAsync(Mail(alice, to: ["bob"], body: "for bob only"));
        var bobs = Assert.Single(await ListAsync(bob));
        var callerAccount = caller == "alice" ? alice : carol;
        var before = await SnapshotAsync(alice, bob, carol);

        var foreign = await RunAsync(operation, callerAccount.Id, bobs.Id);
        var missing = await RunAsync(operation, callerAccount.Id, bobs.Id + 1_000_000);

        Assert.Null(foreign);
        Assert.Null(missing);
        Assert.Equal(State(bobs), State(await EntryAsync(bob, bobs.Id)));
        Assert.Equal(before, await SnapshotAsync(alice, bob, carol));
    }

    [Fact]
    public async Task AnotherAccountsFolder_IsNotListed()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        await Store.CreateFolderAsync(bob.Id, "Secret", Ct);

        Assert.Null(await Store.ListAsync(alice.Id, new Core.Storage.ListQuery("Secret"), Ct));
        Assert.Equal(3, (await Store.GetFoldersAsync(alice.Id, Ct)).Count);
    }
}
