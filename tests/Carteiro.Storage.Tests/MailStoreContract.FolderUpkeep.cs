using Carteiro.Core.Errors;
using Carteiro.Core.Mailboxes;
using Carteiro.Core.Messages;

namespace Carteiro.Storage.Tests;

// Folders as mail programs keep them (IMAP): a hierarchy by '/', renames, deletes, subscriptions.
public abstract partial class MailStoreContract
{
    [Theory]
    [InlineData("Archive/2026")]
    [InlineData("Archive/2026/Receipts")]
    [InlineData("Inbox/Lists")]
    [InlineData("A b/c d")]
    public async Task CreateFolder_NameWithParts_IsAccepted(string name)
    {
        var bob = await AccountAsync("bob");

        var folder = await Store.CreateFolderAsync(bob.Id, name, Ct);

        Assert.Equal(name, folder.Name);
        Assert.Equal(folder, await Store.GetFolderAsync(bob.Id, name.ToUpperInvariant(), Ct));
    }

    [Theory]
    [InlineData("/Archive")]
    [InlineData("Archive/")]
    [InlineData("Archive//2026")]
    [InlineData("/")]
    [InlineData("Archive/ /2026")]
    [InlineData("Archive/\t")]
    [InlineData("Arch\nive")]
    [InlineData("Arch\rive")]
    [InlineData("Arch\0ive")]
    [InlineData("   ")]
    [InlineData("")]
    public async Task CreateFolder_BadName_IsRefused(string name)
    {
        var bob = await AccountAsync("bob");

        await AssertRefusedAsync(ErrorCode.BadSyntax, () => Store.CreateFolderAsync(bob.Id, name, Ct));
        Assert.Equal(3, (await Store.GetFoldersAsync(bob.Id, Ct)).Count);
    }

    [Fact]
    public async Task RenameFolder_MovesItsChildrenAndKeepsIdsUidsAndUidValidity()
    {
        var (_, bob, inbox) = await InboxOfAsync(2);
        foreach (string name in new[] { "Work", "Work/2026", "Work/2026/Q1", "Workshop", "Other" })
        {
            await Store.CreateFolderAsync(bob.Id, name, Ct);
        }

        var moved = await Store.MoveAsync(bob.Id, [inbox[0].Id, inbox[1].Id], "work/2026", Ct);
        await Store.SetSubscribedAsync(bob.Id, "Work/2026", false, Ct);
        var before = (await Store.GetFoldersAsync(bob.Id, Ct)).ToDictionary(f => f.Name);

        var renamed = await Store.RenameFolderAsync(bob.Id, "WORK", "Jobs/Old", Ct);

        Assert.NotNull(renamed);
        Assert.Equal(before["Work"] with { Name = "Jobs/Old" }, renamed);
        var after = (await Store.GetFoldersAsync(bob.Id, Ct)).ToDictionary(f => f.Name);
        Assert.Equal(
            ["Inbox", "Sent", "Trash", "Jobs/Old", "Jobs/Old/2026", "Jobs/Old/2026/Q1", "Other", "Workshop"],
            (await Store.GetFoldersAsync(bob.Id, Ct)).Select(f => f.Name));
        Assert.Equal(before["Work/2026"] with { Name = "Jobs/Old/2026" }, after["Jobs/Old/2026"]);
        Assert.Equal(before["Work/2026/Q1"] with { Name = "Jobs/Old/2026/Q1" }, after["Jobs/Old/2026/Q1"]);
        Assert.Equal(before["Workshop"], after["Workshop"]);
        Assert.Equal(
            moved.Select(m => (m.Entry.Id, m.Entry.Uid)).Reverse(),
            (await ListAsync(bob, "jobs/old/2026")).Select(e => (e.Id, e.Uid)));
        Assert.Equal("Jobs/Old/2026", (await EntryAsync(bob, inbox[0].Id)).Folder);
        Assert.Null(await Store.GetFolderAsync(bob.Id, "Work/2026", Ct));
    }

    [Fact]
    public async Task RenameFolder_OnlyTheCase_IsAllowed()
    {
        var bob = await AccountAsync("bob");
        var archive = await Store.CreateFolderAsync(bob.Id, "archive", Ct);
        await Store.CreateFolderAsync(bob.Id, "archive/old", Ct);

        var renamed = await Store.RenameFolderAsync(bob.Id, "archive", "Archive", Ct);

        Assert.Equal(archive with { Name = "Archive" }, renamed);
        Assert.NotNull(await Store.GetFolderAsync(bob.Id, "Archive/old", Ct));
        Assert.Contains("Archive/old", (await Store.GetFoldersAsync(bob.Id, Ct)).Select(f => f.Name));
    }

    [Fact]
    public async Task RenameFolder_OntoItsParentsName_MovesEveryFolderUp()
    {
        // Each new name is one that another folder of the rename still holds until it moves
        // (A/B/B/C becomes A/B/C while A/B/C becomes A/C), in whatever order they are taken.
        var bob = await AccountAsync("bob");
        var before = new List<long>();
        foreach (string name in new[] { "A/B", "A/B/C", "A/B/B", "A/B/B/C" })
        {
            before.Add((await Store.CreateFolderAsync(bob.Id, name, Ct)).Id);
        }

        await Store.RenameFolderAsync(bob.Id, "A/B", "A", Ct);

        var after = new List<long>();
        foreach (string name in new[] { "A", "A/C", "A/B", "A/B/C" })
        {
            after.Add((await FolderAsync(bob, name)).Id);
        }

        Assert.Equal(before, after);
        Assert.Equal(7, (await Store.GetFoldersAsync(bob.Id, Ct)).Count);
    }

    [Theory]
    [InlineData("Receipts")]
    [InlineData("RECEIPTS")]
    [InlineData("trash")]
    public async Task RenameFolder_ToATakenName_IsRefused(string taken)
    {
        var bob = await AccountAsync("bob");
        await Store.CreateFolderAsync(bob.Id, "Archive", Ct);
        await Store.CreateFolderAsync(bob.Id, "Receipts", Ct);
        var before = await SnapshotAsync(bob);

        await AssertRefusedAsync(ErrorCode.NameTaken, () => Store.RenameFolderAsync(bob.Id, "Archive", taken, Ct));
        Assert.Equal(before, await SnapshotAsync(bob));
    }

    [Fact]
    public async Task RenameFolder_WhenAChildsNewNameIsTaken_IsRefusedAndChangesNothing()
    {
        var bob = await AccountAsync("bob");
        foreach (string name in new[] { "Archive", "Archive/2026", "Old/2026" })
        {
            await Store.CreateFolderAsync(bob.Id, name, Ct);
        }

        var before = await SnapshotAsync(bob);

        await AssertRefusedAsync(ErrorCode.NameTaken, () => Store.RenameFolderAsync(bob.Id, "Archive", "Old", Ct));
        Assert.Equal(before, await SnapshotAsync(bob));
    }

    [Theory]
    [InlineData("Inbox")]
    [InlineData("sent")]
    [InlineData("TRASH")]
    public async Task RenameOrDeleteFolder_StandardFolder_IsRefused(string name)
    {
        var bob = await AccountAsync("bob");
        var before = await SnapshotAsync(bob);

        await AssertRefusedAsync(ErrorCode.Forbidden, () => Store.RenameFolderAsync(bob.Id, name, "Elsewhere", Ct));
        await AssertRefusedAsync(ErrorCode.Forbidden, () => Store.DeleteFolderAsync(bob.Id, name, Ct));
        Assert.Equal(before, await SnapshotAsync(bob));
    }

    [Fact]
    public async Task RenameFolder_UnknownBadOrBelowItself()
    {
        var bob = await AccountAsync("bob");
        await Store.CreateFolderAsync(bob.Id, "Archive", Ct);

        Assert.Null(await Store.RenameFolderAsync(bob.Id, "Nowhere", "Somewhere", Ct));
        await AssertRefusedAsync(ErrorCode.BadSyntax, () => Store.RenameFolderAsync(bob.Id, "Archive", "Archive//x", Ct));
        await AssertRefusedAsync(ErrorCode.Forbidden, () => Store.RenameFolderAsync(bob.Id, "Archive", "archive/inner", Ct));
        Assert.Equal(["Inbox", "Sent", "Trash", "Archive"], (await Store.GetFoldersAsync(bob.Id, Ct)).Select(f => f.Name));
    }

    [Fact]
    public async Task DeleteFolder_DropsItsEntriesAndTheMessagesNoLongerFiled()
    {
        var (_, bob, inbox) = await InboxOfAsync(2);
        var archive = await Store.CreateFolderAsync(bob.Id, "Archive", Ct);
        var copy = Assert.Single((await Store.CopyAsync(bob.Id, [inbox[0].Id, inbox[0].Id], "Archive", Ct)).Copies.Skip(1));
        await Store.DeleteAsync(bob.Id, copy.Entry.Id, Ct);
        var moved = Assert.Single(await Store.MoveAsync(bob.Id, [inbox[1].Id], "Archive", Ct));
        var appended = await AppendAsync(bob, "Archive", Appended(body: "only in the archive: axolotl"));

        Assert.True(await Store.DeleteFolderAsync(bob.Id, "ARCHIVE", Ct));

        Assert.Null(await Store.GetFolderAsync(bob.Id, "Archive", Ct));
        Assert.Null(await Store.ListAsync(bob.Id, new Core.Storage.ListQuery("Archive"), Ct));
        Assert.Null(await Store.GetAsync(bob.Id, moved.Entry.Id, Ct));
        Assert.Null(await Store.GetMimeAsync(bob.Id, appended.Entry.Id, Ct));
        Assert.Empty(await SearchAsync(bob, "axolotl"));
        Assert.Equal([inbox[0].Id], (await ListAsync(bob)).Select(e => e.Id));

        // A folder made later (perhaps with the same id) starts with no history.
        var again = await Store.CreateFolderAsync(bob.Id, "Archive", Ct);
        Assert.Equal((0, 1L), (again.Total, again.UidNext));
        Assert.NotEqual(archive.UidValidity, again.UidValidity);
        var changes = await Store.ChangesSinceAsync(bob.Id, "Archive", 1, Ct);
        Assert.Empty(changes!.Changed);
        Assert.Empty(changes.ExpungedUids);
        Assert.False(await Store.DeleteFolderAsync(bob.Id, "Nowhere", Ct));
    }

    [Fact]
    public async Task DeleteFolder_WithFoldersBelowIt_IsRefused()
    {
        var bob = await AccountAsync("bob");
        await Store.CreateFolderAsync(bob.Id, "Archive", Ct);
        await Store.CreateFolderAsync(bob.Id, "Archive/2026", Ct);
        await Store.CreateFolderAsync(bob.Id, "Archived", Ct);

        await AssertRefusedAsync(ErrorCode.Forbidden, () => Store.DeleteFolderAsync(bob.Id, "Archive", Ct));
        Assert.True(await Store.DeleteFolderAsync(bob.Id, "Archive/2026", Ct));
        Assert.True(await Store.DeleteFolderAsync(bob.Id, "Archive", Ct));
        Assert.Equal(["Inbox", "Sent", "Trash", "Archived"], (await Store.GetFoldersAsync(bob.Id, Ct)).Select(f => f.Name));
    }

    [Fact]
    public async Task Subscribed_IsKeptAcrossRenamesAndReopening()
    {
        var bob = await AccountAsync("bob");
        var alice = await AccountAsync("alice");
        var archive = await Store.CreateFolderAsync(bob.Id, "Archive", Ct);
        Assert.True(archive.Subscribed);
        Assert.All(await Store.GetFoldersAsync(bob.Id, Ct), f => Assert.True(f.Subscribed));

        Assert.True(await Store.SetSubscribedAsync(bob.Id, "archive", false, Ct));
        Assert.True(await Store.SetSubscribedAsync(bob.Id, "Trash", false, Ct));
        Assert.False(await Store.SetSubscribedAsync(bob.Id, "Nowhere", false, Ct));
        await Store.RenameFolderAsync(bob.Id, "Archive", "Kept", Ct);
        await ReopenAsync();

        Assert.Equal(
            [("Inbox", true), ("Sent", true), ("Trash", false), ("Kept", false)],
            (await Store.GetFoldersAsync(bob.Id, Ct)).Select(f => (f.Name, f.Subscribed)));
        Assert.False((await Store.GetFolderAsync(bob.Id, "kept", Ct))!.Subscribed);
        Assert.All(await Store.GetFoldersAsync(alice.Id, Ct), f => Assert.True(f.Subscribed));

        Assert.True(await Store.SetSubscribedAsync(bob.Id, "Kept", true, Ct));
        Assert.True((await Store.GetFolderAsync(bob.Id, "Kept", Ct))!.Subscribed);
    }

    [Fact]
    public async Task UidValidity_OfANameMadeAgain_IsNew()
    {
        // All within a second: seconds since the epoch alone would repeat.
        var bob = await AccountAsync("bob");
        var seen = new List<long>();
        for (int i = 0; i < 3; i++)
        {
            seen.Add((await Store.CreateFolderAsync(bob.Id, "Archive", Ct)).UidValidity);
            Assert.True(await Store.DeleteFolderAsync(bob.Id, "Archive", Ct));
        }

        var first = await Store.CreateFolderAsync(bob.Id, "Archive", Ct);
        await Store.RenameFolderAsync(bob.Id, "Archive", "Elsewhere", Ct);
        var second = await Store.CreateFolderAsync(bob.Id, "Archive", Ct);
        seen.Add(first.UidValidity);
        seen.Add(second.UidValidity);

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.All(seen, v => Assert.InRange(v, 1L, uint.MaxValue));
        Assert.Equal(first.UidValidity, (await FolderAsync(bob, "Elsewhere")).UidValidity);
    }

    [Fact]
    public async Task FolderUpkeep_OfAnotherAccountsFolder_DoesNothing()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        await Store.CreateFolderAsync(bob.Id, "Secret", Ct);
        await AppendAsync(bob, "Secret", Appended());
        var before = await SnapshotAsync(alice, bob);

        Assert.Null(await Store.RenameFolderAsync(alice.Id, "Secret", "Mine", Ct));
        Assert.False(await Store.DeleteFolderAsync(alice.Id, "Secret", Ct));
        Assert.False(await Store.SetSubscribedAsync(alice.Id, "Secret", false, Ct));
        Assert.Null(await Store.AppendAsync(alice.Id, "Secret", Appended(), Ct));
        Assert.Null(await Store.ChangesSinceAsync(alice.Id, "Secret", 0, Ct));

        Assert.Equal(before, await SnapshotAsync(alice, bob));
    }
}
