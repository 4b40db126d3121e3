using Carteiro.Core.Mailboxes;
using Carteiro.Core.Storage;

namespace Carteiro.Storage.Tests;

public abstract partial class MailStoreContract
{
    [Fact]
    public async Task Uids_AscendWithoutGapsInEachFolder()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        for (int i = 0; i < 25; i++)
        {
            await SendAsync(i % 5 == 0 ? Mail(bob, to: ["alice"]) : Mail(alice, to: ["bob"]));
        }

        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), (await ListAsync(bob)).Select(e => e.Uid).Reverse());
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), (await ListAsync(alice, FolderNames.Sent)).Select(e => e.Uid).Reverse());
        Assert.Equal(Enumerable.Range(1, 5).Select(i => (long)i), (await ListAsync(alice)).Select(e => e.Uid).Reverse());
        Assert.Equal(21, (await FolderAsync(bob)).UidNext);
        Assert.Equal(6, (await FolderAsync(alice)).UidNext);
    }

    [Fact]
    public async Task GetFolder_FindsByNameWithoutCaseAndTracksEveryChange()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        var before = await Store.GetFolderAsync(bob.Id, "inbox", Ct);

        await SendAsync(Mail(alice, to: ["bob"]));
        var after = await Store.GetFolderAsync(bob.Id, "INBOX", Ct);

        Assert.NotNull(before);
        Assert.NotNull(after);
        Assert.Equal(("Inbox", 0, 1), (before.Name, before.Total, after.Total));
        Assert.True(after.HighestModSeq > before.HighestModSeq, "a new message raises the folder's modification sequence");
        Assert.Null(await Store.GetFolderAsync(bob.Id, "Nowhere", Ct));
        Assert.Null(await Store.GetFolderAsync(alice.Id + bob.Id + 1000, "Inbox", Ct));
    }

    [Fact]
    public async Task CreateFolder_StartsEmptyAndIsListedAfterTheStandardOnes()
    {
        var bob = await AccountAsync("bob");

        var archive = await Store.CreateFolderAsync(bob.Id, "Archive", Ct);
        await Store.CreateFolderAsync(bob.Id, "Receipts", Ct);
        await Store.CreateFolderAsync(bob.Id, "2026", Ct);

        Assert.Equal(("Archive", 0, 0, 1L), (archive.Name, archive.Total, archive.Unread, archive.UidNext));
        Assert.True(archive.UidValidity > 0);
        Assert.Equal(["Inbox", "Sent", "Trash", "2026", "Archive", "Receipts"], (await Store.GetFoldersAsync(bob.Id, Ct)).Select(f => f.Name));
    }

    [Theory]
    [InlineData("Archive")]
    [InlineData("ARCHIVE")]
    public async Task CreateFolder_NameTaken_ReturnsTheExistingFolder(string again)
    {
        var bob = await AccountAsync("bob");
        var archive = await Store.CreateFolderAsync(bob.Id, "Archive", Ct);

        var second = await Store.CreateFolderAsync(bob.Id, again, Ct);

        Assert.Equal(archive.Id, second.Id);
        Assert.Equal("Archive", second.Name);
        Assert.Equal(4, (await Store.GetFoldersAsync(bob.Id, Ct)).Count);
    }

    [Fact]
    public async Task CreateFolder_StandardNameInAnotherCase_ReturnsTheStandardFolder()
    {
        var bob = await AccountAsync("bob");
        var inbox = await FolderAsync(bob);

        var again = await Store.CreateFolderAsync(bob.Id, "INBOX", Ct);

        Assert.Equal(inbox.Id, again.Id);
        Assert.Equal(3, (await Store.GetFoldersAsync(bob.Id, Ct)).Count);
    }

    [Fact]
    public async Task CreateFolder_SameNameForTwoAccounts_MakesTwoFolders()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");

        var alices = await Store.CreateFolderAsync(alice.Id, "Archive", Ct);
        var bobs = await Store.CreateFolderAsync(bob.Id, "Archive", Ct);

        Assert.NotEqual(alices.Id, bobs.Id);
    }

    [Fact]
    public async Task Move_GivesTheDestinationsNextUidAndKeepsTheId()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        for (int i = 0; i < 3; i++)
        {
            await SendAsync(Mail(alice, to: ["bob"]));
        }

        await Store.CreateFolderAsync(bob.Id, "Archive", Ct);
        var second = (await ListAsync(bob)).Single(e => e.Uid == 2);

        var moved = await Store.MoveAsync(bob.Id, second.Id, "Archive", Ct);

        Assert.NotNull(moved);
        Assert.Equal(("Inbox", 2L), (moved.FromFolder, moved.FromUid));
        Assert.Equal((second.Id, "Archive", 1L, second.MessageId), (moved.Entry.Id, moved.Entry.Folder, moved.Entry.Uid, moved.Entry.MessageId));
        Assert.Equal([3L, 1L], (await ListAsync(bob)).Select(e => e.Uid));
        Assert.Equal(moved.Entry.Uid, Assert.Single(await ListAsync(bob, "Archive")).Uid);

        var back = await Store.MoveAsync(bob.Id, second.Id, "inbox", Ct);

        Assert.NotNull(back);
        Assert.Equal((second.Id, "Inbox", 4L), (back.Entry.Id, back.Entry.Folder, back.Entry.Uid));
        Assert.Empty(await ListAsync(bob, "Archive"));
        Assert.Equal(2, (await FolderAsync(bob, "Archive")).UidNext);
    }

    [Fact]
    public async Task Move_KeepsTheFlags()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        await SendAsync(Mail(alice, to: ["bob"]));
        var entry = Assert.Single(await ListAsync(bob));
        await Store.SetFlagsAsync(bob.Id, entry.Id, MessageFlags.Flagged | MessageFlags.Seen, MessageFlags.None, Ct);

        var moved = await Store.MoveAsync(bob.Id, entry.Id, FolderNames.Trash, Ct);

        Assert.Equal(MessageFlags.Flagged | MessageFlags.Seen, moved!.Entry.Flags);
        Assert.Equal(MessageFlags.Flagged | MessageFlags.Seen, (await EntryAsync(bob, entry.Id)).Flags);
    }

    [Fact]
    public async Task UidValidity_StaysTheSameThroughChanges()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        await Store.CreateFolderAsync(bob.Id, "Archive", Ct);
        var before = (await SnapshotAsync(alice, bob)).Select(f => (f.Id, f.UidValidity)).ToList();

        for (int i = 0; i < 3; i++)
        {
            await SendAsync(Mail(alice, to: ["bob"]));
        }

        var entries = await ListAsync(bob);
        await Store.SetFlagsAsync(bob.Id, entries[0].Id, MessageFlags.Seen, MessageFlags.None, Ct);
        await Store.MoveAsync(bob.Id, entries[1].Id, "Archive", Ct);
        await Store.DeleteAsync(bob.Id, entries[2].Id, Ct);
        await ReopenAsync();

        Assert.Equal(before, (await SnapshotAsync(alice, bob)).Select(f => (f.Id, f.UidValidity)));
    }

    [Fact]
    public async Task HighestModSeq_GrowsOnEveryChange()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        await Store.CreateFolderAsync(bob.Id, "Archive", Ct);
        long inbox0 = (await FolderAsync(bob)).HighestModSeq;
        long archive0 = (await FolderAsync(bob, "Archive")).HighestModSeq;

        await SendAsync(Mail(alice, to: ["bob"]));
        var entry = Assert.Single(await ListAsync(bob));
        long inbox1 = (await FolderAsync(bob)).HighestModSeq;
        Assert.True(inbox1 > inbox0);
        Assert.Equal(inbox1, entry.ModSeq);

        var flagged = await Store.SetFlagsAsync(bob.Id, entry.Id, MessageFlags.Seen, MessageFlags.None, Ct);
        long inbox2 = (await FolderAsync(bob)).HighestModSeq;
        Assert.True(inbox2 > inbox1);
        Assert.Equal(inbox2, flagged!.ModSeq);

        await Store.SetFlagsAsync(bob.Id, entry.Id, MessageFlags.None, MessageFlags.Seen, Ct);
        long inbox3 = (await FolderAsync(bob)).HighestModSeq;
        Assert.True(inbox3 > inbox2);

        var moved = await Store.MoveAsync(bob.Id, entry.Id, "Archive", Ct);
        long inbox4 = (await FolderAsync(bob)).HighestModSeq;
        long archive1 = (await FolderAsync(bob, "Archive")).HighestModSeq;
        Assert.True(inbox4 > inbox3);
        Assert.True(archive1 > archive0);
        Assert.Equal(archive1, moved!.Entry.ModSeq);

        await Store.DeleteAsync(bob.Id, entry.Id, Ct);
        Assert.True((await FolderAsync(bob, "Archive")).HighestModSeq > archive1);
    }

    [Fact]
    public async Task Counters_FollowDeliveriesFlagsMovesAndDeletes()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        await Store.CreateFolderAsync(bob.Id, "Archive", Ct);
        for (int i = 0; i < 4; i++)
        {
            await SendAsync(Mail(alice, to: ["bob"]));
        }

        async Task Expect(string folder, int total, int unread)
        {
            var info = await FolderAsync(bob, folder);
            Assert.Equal((folder, total, unread), (folder, info.Total, info.Unread));
            var page = await Store.ListAsync(bob.Id, new ListQuery(folder), Ct);
            Assert.Equal(total, page!.Items.Count);
            Assert.Equal(unread, page.Items.Count(e => !e.Flags.HasFlag(MessageFlags.Seen)));
        }

        var e = await ListAsync(bob);
        await Expect("Inbox", 4, 4);

        await Store.SetFlagsAsync(bob.Id, e[0].Id, MessageFlags.Seen, MessageFlags.None, Ct);
        await Store.SetFlagsAsync(bob.Id, e[1].Id, MessageFlags.Seen | MessageFlags.Flagged, MessageFlags.None, Ct);
        await Store.SetFlagsAsync(bob.Id, e[2].Id, MessageFlags.Flagged, MessageFlags.None, Ct);
        await Expect("Inbox", 4, 2);

        await Store.MoveAsync(bob.Id, e[1].Id, "Archive", Ct);
        await Store.MoveAsync(bob.Id, e[2].Id, "Archive", Ct);
        await Expect("Inbox", 2, 1);
        await Expect("Archive", 2, 1);

        await Store.SetFlagsAsync(bob.Id, e[1].Id, MessageFlags.None, MessageFlags.Seen, Ct);
        await Expect("Archive", 2, 2);

        await Store.DeleteAsync(bob.Id, e[0].Id, Ct);
        await Store.DeleteAsync(bob.Id, e[2].Id, Ct);
        await Expect("Inbox", 1, 1);
        await Expect("Archive", 1, 1);

        await Store.MoveAsync(bob.Id, e[3].Id, FolderNames.Trash, Ct);
        await Expect("Inbox", 0, 0);
        await Expect("Trash", 1, 1);
    }
}
