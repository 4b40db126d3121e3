using System.Text;
using Carteiro.Core.Accounts;
using Carteiro.Core.Errors;
using Carteiro.Core.Mailboxes;
using Carteiro.Core.Messages;
using Carteiro.Core.Storage;

namespace Carteiro.Storage.Tests;

// What the IMAP door asks of a store: change tracking, appends, copies and batches.
public abstract partial class MailStoreContract
{
    /// <summary>A document a mail program files itself, with its own document unless given.</summary>
    protected AppendedMessage Appended(
        string from = "someone@example.net",
        string? subject = null,
        string body = "appended",
        MessageFlags flags = MessageFlags.None,
        string messageIdHeader = "",
        DateTimeOffset? date = null,
        byte[]? mime = null)
    {
        int n = Interlocked.Increment(ref _sequence);
        subject ??= $"appended {n}";
        mime ??= Encoding.UTF8.GetBytes($"From: {from}\r\nSubject: {subject}\r\n\r\n{body}\r\n");
        return new AppendedMessage(from, ["bob"], ["carol"], subject, body, [], messageIdHeader, date ?? Start.AddDays(-1).AddSeconds(n), flags, mime);
    }

    /// <summary>Appends a document that must be filed.</summary>
    protected async Task<AppendOutcome> AppendAsync(Account account, string folder, AppendedMessage message)
    {
        var outcome = await Store.AppendAsync(account.Id, folder, message, Ct);
        Assert.NotNull(outcome);
        return outcome;
    }

    /// <summary>Bob's Inbox with <paramref name="count"/> messages from alice, oldest first.</summary>
    private async Task<(Account Alice, Account Bob, List<MessageSummary> Inbox)> InboxOfAsync(int count)
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        for (int i = 0; i < count; i++)
        {
            await SendAsync(Mail(alice, to: ["bob"], body: $"item{i} of the inbox"));
        }

        return (alice, bob, [.. (await ListAsync(bob)).Reverse()]);
    }

    private static async Task AssertRefusedAsync(ErrorCode code, Func<Task> action) =>
        Assert.Equal(code, (await Assert.ThrowsAsync<CarteiroException>(action)).Code);

    [Fact]
    public async Task ChangesSince_Zero_ReturnsEveryEntryWithModSeqDateAndSizeAndNoExpunges()
    {
        var (_, bob, inbox) = await InboxOfAsync(3);
        await Store.DeleteAsync(bob.Id, inbox[1].Id, Ct);

        var changes = await Store.ChangesSinceAsync(bob.Id, "inbox", 0, Ct);

        Assert.NotNull(changes);
        Assert.Equal(await FolderAsync(bob), changes.Folder);
        Assert.Equal(
            new[] { inbox[0], inbox[2] }.Select(e => new FolderEntry(e.Id, e.Uid, e.Size, e.Flags, e.ModSeq, e.Date)),
            changes.Changed);
        Assert.Empty(changes.ExpungedUids);
        Assert.All(changes.Changed, e => Assert.True(e.Size > 0 && e.ModSeq > 0));
    }

    [Fact]
    public async Task ChangesSince_Zero_OfALargeFolderReadAgain_IsAlwaysItsCurrentState()
    {
        // Large enough that a store may keep whole-folder reads (mail programs reselect often):
        // what it answers must still follow every change.
        var (alice, bob, inbox) = await InboxOfAsync(300);
        var first = await Store.ChangesSinceAsync(bob.Id, "Inbox", 0, Ct);
        var again = await Store.ChangesSinceAsync(bob.Id, "Inbox", 0, Ct);
        Assert.Equal(first!.Changed, again!.Changed);
        Assert.Equal(300, again.Changed.Count);

        await Store.SetFlagsAsync(bob.Id, inbox[7].Id, MessageFlags.Flagged, MessageFlags.None, Ct);
        var flagged = await Store.ChangesSinceAsync(bob.Id, "Inbox", 0, Ct);
        Assert.Equal(MessageFlags.Flagged, flagged!.Changed[7].Flags);

        await Store.DeleteAsync(bob.Id, inbox[0].Id, Ct);
        var expunged = await Store.ChangesSinceAsync(bob.Id, "Inbox", 0, Ct);
        Assert.Equal(299, expunged!.Changed.Count);
        Assert.DoesNotContain(expunged.Changed, e => e.Id == inbox[0].Id);

        await SendAsync(Mail(alice, to: ["bob"]));
        var arrived = await Store.ChangesSinceAsync(bob.Id, "Inbox", 0, Ct);
        Assert.Equal(300, arrived!.Changed.Count);
        Assert.Equal(arrived.Folder.UidNext - 1, arrived.Changed[^1].Uid);
    }

    [Fact]
    public async Task ChangesSince_AFlagChangeAndAnExpunge_ReturnsJustThose()
    {
        var (_, bob, inbox) = await InboxOfAsync(4);
        long since = (await FolderAsync(bob)).HighestModSeq;

        var flagged = await Store.SetFlagsAsync(bob.Id, inbox[2].Id, MessageFlags.Flagged, MessageFlags.None, Ct);
        await Store.DeleteAsync(bob.Id, inbox[0].Id, Ct);
        var changes = await Store.ChangesSinceAsync(bob.Id, "Inbox", since, Ct);

        Assert.NotNull(changes);
        var changed = Assert.Single(changes.Changed);
        Assert.Equal((inbox[2].Id, inbox[2].Uid, MessageFlags.Flagged, flagged!.ModSeq), (changed.Id, changed.Uid, changed.Flags, changed.ModSeq));
        Assert.Equal([inbox[0].Uid], changes.ExpungedUids);
        Assert.Equal(changes.Folder.HighestModSeq, (await FolderAsync(bob)).HighestModSeq);

        var none = await Store.ChangesSinceAsync(bob.Id, "Inbox", changes.Folder.HighestModSeq, Ct);
        Assert.Empty(none!.Changed);
        Assert.Empty(none.ExpungedUids);
    }

    [Fact]
    public async Task ChangesSince_NewAndMovedEntries_AreChangedHereAndExpungedThere()
    {
        var (alice, bob, inbox) = await InboxOfAsync(2);
        await Store.CreateFolderAsync(bob.Id, "Archive", Ct);
        long inboxSince = (await FolderAsync(bob)).HighestModSeq;
        long archiveSince = (await FolderAsync(bob, "Archive")).HighestModSeq;

        var moved = await Store.MoveAsync(bob.Id, inbox[0].Id, "Archive", Ct);
        await SendAsync(Mail(alice, to: ["bob"]));

        var inboxChanges = await Store.ChangesSinceAsync(bob.Id, "Inbox", inboxSince, Ct);
        var archiveChanges = await Store.ChangesSinceAsync(bob.Id, "Archive", archiveSince, Ct);
        Assert.Equal([3L], inboxChanges!.Changed.Select(e => e.Uid));
        Assert.Equal([inbox[0].Uid], inboxChanges.ExpungedUids);
        Assert.Equal([moved!.Entry.Uid], archiveChanges!.Changed.Select(e => e.Uid));
        Assert.Empty(archiveChanges.ExpungedUids);
    }

    [Fact]
    public async Task ChangesSince_UnknownFolder_ReturnsNull()
    {
        var bob = await AccountAsync("bob");

        Assert.Null(await Store.ChangesSinceAsync(bob.Id, "Nowhere", 0, Ct));
    }

    [Fact]
    public async Task Entries_CarryModSeqAndDate()
    {
        var (_, bob, inbox) = await InboxOfAsync(2);
        var flagged = await Store.SetFlagsAsync(bob.Id, inbox[1].Id, MessageFlags.Seen, MessageFlags.None, Ct);

        var entries = await Store.EntriesAsync(bob.Id, "Inbox", Ct);

        Assert.Equal(
            [(inbox[0].ModSeq, inbox[0].Date), (flagged!.ModSeq, inbox[1].Date)],
            entries!.Entries.Select(e => (e.ModSeq, e.Date)));
        Assert.NotEqual(inbox[0].Date, inbox[1].Date);
    }

    [Fact]
    public async Task Append_FilesTheDocumentWithItsFlagsAndTheNextUid()
    {
        var (_, bob, _) = await InboxOfAsync(2);
        var before = await FolderAsync(bob);
        byte[] mime = [.. Enumerable.Range(0, 5000).Select(i => (byte)(i * 7))];
        var date = new DateTimeOffset(2020, 2, 3, 4, 5, 6, 789, TimeSpan.Zero);

        var outcome = await AppendAsync(bob, "INBOX", Appended(subject: "Filed by hand", body: "platypus in the drawer",
            flags: MessageFlags.Flagged | MessageFlags.Draft, date: date, mime: mime));

        Assert.False(outcome.Duplicate);
        var entry = outcome.Entry;
        Assert.Equal(("Inbox", 3L, MessageFlags.Flagged | MessageFlags.Draft), (entry.Folder, entry.Uid, entry.Flags));
        Assert.Equal(("Filed by hand", date, (long)mime.Length), (entry.Subject, entry.Date, entry.Size));
        Assert.Equal("someone@example.net", entry.From);
        Assert.Equal(["bob"], entry.To);
        Assert.Equal(["carol"], entry.Cc);
        Assert.Empty(entry.Bcc);
        Assert.Equal(Snippet.Of("platypus in the drawer"), entry.Snippet);
        Assert.Equal((before.Total + 1, before.Unread + 1, 4L), (outcome.Folder.Total, outcome.Folder.Unread, outcome.Folder.UidNext));
        Assert.Equal(outcome.Folder, await FolderAsync(bob));
        Assert.Equal(entry.ModSeq, outcome.Folder.HighestModSeq);
        Assert.Equal(State(entry), State((await ListAsync(bob))[0]));
        Assert.Equal(mime, await Store.GetMimeAsync(bob.Id, entry.Id, Ct));
        Assert.Equal(entry.Id, Assert.Single(await SearchAsync(bob, "platypus")).Id);
    }

    [Fact]
    public async Task Append_Seen_DoesNotCountAsUnread()
    {
        var bob = await AccountAsync("bob");
        await Store.CreateFolderAsync(bob.Id, "Archive", Ct);

        var outcome = await AppendAsync(bob, "Archive", Appended(flags: MessageFlags.Seen));

        Assert.Equal((1, 0, 1L), (outcome.Folder.Total, outcome.Folder.Unread, outcome.Entry.Uid));
    }

    [Fact]
    public async Task Append_UnknownFolder_ReturnsNullAndStoresNothing()
    {
        var bob = await AccountAsync("bob");
        var before = await SnapshotAsync(bob);

        Assert.Null(await Store.AppendAsync(bob.Id, "Nowhere", Appended(body: "lost words"), Ct));
        Assert.Equal(before, await SnapshotAsync(bob));
        Assert.Empty(await SearchAsync(bob, "lost"));
    }

    [Fact]
    public async Task Append_ToSentOfAMessageJustSent_IsADuplicateAndStoresNothing()
    {
        var alice = await AccountAsync("alice");
        await AccountAsync("bob");
        var message = Mail(alice, to: ["bob"]);
        var sent = await SendAsync(message);
        var before = await FolderAsync(alice, FolderNames.Sent);

        var outcome = await AppendAsync(alice, "sent", Appended(messageIdHeader: message.MessageIdHeader, flags: MessageFlags.Seen, mime: message.Mime.ToArray()));

        Assert.True(outcome.Duplicate);
        Assert.Equal(sent.SentId, outcome.Entry.Id);
        Assert.Equal(before, outcome.Folder);
        Assert.Equal(before, await FolderAsync(alice, FolderNames.Sent));
        Assert.Equal(sent.SentId, Assert.Single(await ListAsync(alice, FolderNames.Sent)).Id);
    }

    [Fact]
    public async Task Append_OfAMessageIdTheAccountDidNotSendOrNotToSent_IsStored()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        var message = Mail(alice, to: ["bob"]);
        await SendAsync(message);

        // Bob received it rather than sent it; alice files her copy somewhere else than Sent.
        var bobs = await AppendAsync(bob, FolderNames.Sent, Appended(messageIdHeader: message.MessageIdHeader));
        var alices = await AppendAsync(alice, FolderNames.Inbox, Appended(messageIdHeader: message.MessageIdHeader));

        Assert.False(bobs.Duplicate);
        Assert.False(alices.Duplicate);
        Assert.Equal(1, (await FolderAsync(bob, FolderNames.Sent)).Total);
        Assert.Equal(1, (await FolderAsync(alice, FolderNames.Inbox)).Total);
    }

    [Fact]
    public async Task Copy_FilesEachEntryAgainWithItsFlagsAndNewAscendingUids()
    {
        var (_, bob, inbox) = await InboxOfAsync(3);
        await Store.CreateFolderAsync(bob.Id, "Archive", Ct);
        await AppendAsync(bob, "Archive", Appended());
        await Store.SetFlagsAsync(bob.Id, inbox[2].Id, MessageFlags.Seen | MessageFlags.Flagged, MessageFlags.None, Ct);
        var inboxBefore = await FolderAsync(bob);

        var outcome = await Store.CopyAsync(bob.Id, [inbox[2].Id, inbox[0].Id], "archive", Ct);

        Assert.Equal([(inbox[2].Id, inbox[2].Uid), (inbox[0].Id, inbox[0].Uid)], outcome.Copies.Select(c => (c.FromId, c.FromUid)));
        Assert.Equal([2L, 3L], outcome.Copies.Select(c => c.Entry.Uid));
        Assert.Equal([MessageFlags.Seen | MessageFlags.Flagged, MessageFlags.None], outcome.Copies.Select(c => c.Entry.Flags));
        Assert.Equal([inbox[2].MessageId, inbox[0].MessageId], outcome.Copies.Select(c => c.Entry.MessageId));
        Assert.All(outcome.Copies, c => Assert.Equal("Archive", c.Entry.Folder));
        Assert.DoesNotContain(outcome.Copies, c => inbox.Any(e => e.Id == c.Entry.Id));
        Assert.Equal((3, 2, 4L), (outcome.Target.Total, outcome.Target.Unread, outcome.Target.UidNext));
        Assert.Equal(outcome.Target, await FolderAsync(bob, "Archive"));
        Assert.Equal(inboxBefore, await FolderAsync(bob));
        Assert.Equal(outcome.Copies.Select(c => State(c.Entry)), (await ListAsync(bob, "Archive")).Take(2).Reverse().Select(State));
    }

    [Fact]
    public async Task Copy_StoresTheMessageOnce_SoTheCopyOutlivesTheOriginal()
    {
        var (alice, bob, inbox) = await InboxOfAsync(1);
        var original = inbox[0];
        byte[] mime = (await Store.GetMimeAsync(bob.Id, original.Id, Ct))!;
        var outcome = await Store.CopyAsync(bob.Id, [original.Id], FolderNames.Trash, Ct);
        var copy = Assert.Single(outcome.Copies).Entry;

        await Store.DeleteAsync(bob.Id, original.Id, Ct);
        await Store.DeleteAsync(alice.Id, (await ListAsync(alice, FolderNames.Sent))[0].Id, Ct);

        Assert.Equal(original.MessageId, copy.MessageId);
        Assert.Equal(mime, await Store.GetMimeAsync(bob.Id, copy.Id, Ct));
        Assert.Equal(copy.Id, Assert.Single(await SearchAsync(bob, "item0")).Id);
    }

    [Fact]
    public async Task Copy_IntoTheSameFolder_GivesANewUid()
    {
        var (_, bob, inbox) = await InboxOfAsync(2);

        var outcome = await Store.CopyAsync(bob.Id, [inbox[0].Id], FolderNames.Inbox, Ct);

        var copy = Assert.Single(outcome.Copies);
        Assert.Equal((3L, "Inbox"), (copy.Entry.Uid, copy.Entry.Folder));
        Assert.Equal(3, outcome.Target.Total);
        Assert.Equal(3, (await ListAsync(bob)).Count);
    }

    [Fact]
    public async Task Copy_UnknownFolder_IsRefusedAndStoresNothing()
    {
        var (alice, bob, inbox) = await InboxOfAsync(1);
        var before = await SnapshotAsync(alice, bob);

        await AssertRefusedAsync(ErrorCode.NoSuchFolder, () => Store.CopyAsync(bob.Id, [inbox[0].Id], "Nowhere", Ct));
        Assert.Equal(before, await SnapshotAsync(alice, bob));
    }

    [Fact]
    public async Task SetFlagsOfSeveral_ChangesEachAndReportsThoseThatChanged()
    {
        var (_, bob, inbox) = await InboxOfAsync(3);
        await Store.SetFlagsAsync(bob.Id, inbox[1].Id, MessageFlags.Seen, MessageFlags.None, Ct);
        var unchanged = await EntryAsync(bob, inbox[1].Id);

        var outcome = await Store.SetFlagsAsync(bob.Id, [inbox[0].Id, inbox[1].Id, 424242, inbox[2].Id], MessageFlags.Seen, MessageFlags.None, null, Ct);

        Assert.Equal([inbox[0].Id, inbox[2].Id], outcome.Changed.Select(e => e.Id));
        Assert.All(outcome.Changed, e => Assert.Equal(MessageFlags.Seen, e.Flags));
        Assert.Empty(outcome.Modified);
        Assert.Equal(State(outcome.Changed[0]), State(await EntryAsync(bob, inbox[0].Id)));
        Assert.Equal(State(outcome.Changed[1]), State(await EntryAsync(bob, inbox[2].Id)));
        Assert.Equal(State(unchanged), State(await EntryAsync(bob, inbox[1].Id)));
        var folder = await FolderAsync(bob);
        Assert.Equal((0, outcome.Changed[^1].ModSeq), (folder.Unread, folder.HighestModSeq));
        Assert.True(outcome.Changed[0].ModSeq < outcome.Changed[1].ModSeq);
    }

    [Fact]
    public async Task SetFlagsOfSeveral_UnchangedSince_LeavesEntriesChangedLaterAlone()
    {
        var (_, bob, inbox) = await InboxOfAsync(3);
        long since = (await FolderAsync(bob)).HighestModSeq;
        var later = await Store.SetFlagsAsync(bob.Id, inbox[1].Id, MessageFlags.Answered, MessageFlags.None, Ct);

        var outcome = await Store.SetFlagsAsync(bob.Id, [.. inbox.Select(e => e.Id)], MessageFlags.Flagged, MessageFlags.None, since, Ct);

        Assert.Equal([inbox[0].Id, inbox[2].Id], outcome.Changed.Select(e => e.Id));
        Assert.Equal([inbox[1].Id], outcome.Modified);
        Assert.Equal(State(later!), State(await EntryAsync(bob, inbox[1].Id)));
        Assert.Equal(MessageFlags.Flagged, (await EntryAsync(bob, inbox[2].Id)).Flags);

        // Only an entry's own modification sequence counts: at exactly it, the change goes ahead.
        var exact = await Store.SetFlagsAsync(bob.Id, [inbox[1].Id], MessageFlags.Flagged, MessageFlags.None, later!.ModSeq, Ct);
        Assert.Equal(MessageFlags.Answered | MessageFlags.Flagged, Assert.Single(exact.Changed).Flags);
        Assert.Empty(exact.Modified);
    }

    [Fact]
    public async Task MoveOfSeveral_MovesEachInTheOrderGiven()
    {
        var (_, bob, inbox) = await InboxOfAsync(3);
        await Store.CreateFolderAsync(bob.Id, "Archive", Ct);

        var moves = await Store.MoveAsync(bob.Id, [inbox[2].Id, 424242, inbox[0].Id], "Archive", Ct);

        Assert.Equal([(inbox[2].Id, inbox[2].Uid, 1L), (inbox[0].Id, inbox[0].Uid, 2L)], moves.Select(m => (m.Entry.Id, m.FromUid, m.Entry.Uid)));
        Assert.All(moves, m => Assert.Equal(("Inbox", "Archive"), (m.FromFolder, m.Entry.Folder)));
        Assert.Equal([inbox[1].Id], (await ListAsync(bob)).Select(e => e.Id));
        Assert.Equal([inbox[0].Id, inbox[2].Id], (await ListAsync(bob, "Archive")).Select(e => e.Id));
        Assert.Equal((1, 1), ((await FolderAsync(bob)).Total, (await FolderAsync(bob)).Unread));
        Assert.Equal((2, 2), ((await FolderAsync(bob, "Archive")).Total, (await FolderAsync(bob, "Archive")).Unread));
    }

    [Fact]
    public async Task MoveOfSeveral_UnknownFolder_IsRefusedEvenForUnknownIds()
    {
        var (alice, bob, inbox) = await InboxOfAsync(1);
        var before = await SnapshotAsync(alice, bob);

        await AssertRefusedAsync(ErrorCode.NoSuchFolder, () => Store.MoveAsync(bob.Id, [inbox[0].Id], "Nowhere", Ct));
        await AssertRefusedAsync(ErrorCode.NoSuchFolder, () => Store.MoveAsync(bob.Id, [424242L], "Nowhere", Ct));
        Assert.Equal(before, await SnapshotAsync(alice, bob));
    }

    [Fact]
    public async Task DeleteOfSeveral_DeletesEachAndReturnsThem()
    {
        var (_, bob, inbox) = await InboxOfAsync(3);

        var deleted = await Store.DeleteAsync(bob.Id, [inbox[0].Id, 424242, inbox[2].Id], Ct);

        Assert.Equal([State(inbox[0]), State(inbox[2])], deleted.Select(State));
        Assert.Equal([inbox[1].Id], (await ListAsync(bob)).Select(e => e.Id));
        Assert.Equal(1, (await FolderAsync(bob)).Total);
        Assert.Empty(await SearchAsync(bob, "item0"));
        Assert.Empty(await SearchAsync(bob, "item2"));
        Assert.Single(await SearchAsync(bob, "item1"));
    }

    [Fact]
    public async Task GetMimes_ReturnsTheDocumentsInTheOrderAskedAndNullForOthers()
    {
        var (_, bob, inbox) = await InboxOfAsync(2);
        var first = await Store.GetMimeAsync(bob.Id, inbox[0].Id, Ct);
        var second = await Store.GetMimeAsync(bob.Id, inbox[1].Id, Ct);

        var mimes = await Store.GetMimesAsync(bob.Id, [inbox[1].Id, 424242, inbox[0].Id, inbox[1].Id], Ct);

        Assert.Equal([second, null, first, second], mimes);
        Assert.NotEqual(first, second);
        Assert.Empty(await Store.GetMimesAsync(bob.Id, [], Ct));
    }

    [Fact]
    public async Task AnotherAccountsEntries_AreSkippedByEveryBatch()
    {
        var (alice, bob, inbox) = await InboxOfAsync(2);
        var carol = await AccountAsync("carol");
        foreach (var account in new[] { alice, bob, carol })
        {
            await Store.CreateFolderAsync(account.Id, "Archive", Ct);
        }

        var bobs = inbox.Select(e => e.Id).ToList();
        var before = await SnapshotAsync(alice, bob, carol);

        foreach (var caller in new[] { alice, carol })
        {
            Assert.Empty((await Store.CopyAsync(caller.Id, bobs, "Archive", Ct)).Copies);
            var flags = await Store.SetFlagsAsync(caller.Id, bobs, MessageFlags.Flagged, MessageFlags.None, 0, Ct);
            Assert.Empty(flags.Changed);
            Assert.Empty(flags.Modified);
            Assert.Empty((await Store.SetFlagsAsync(caller.Id, bobs, MessageFlags.Flagged, MessageFlags.None, null, Ct)).Changed);
            Assert.Empty(await Store.MoveAsync(caller.Id, bobs, "Archive", Ct));
            Assert.Empty(await Store.DeleteAsync(caller.Id, bobs, Ct));
            Assert.Equal([null, null], await Store.GetMimesAsync(caller.Id, bobs, Ct));
        }

        Assert.Equal(before, await SnapshotAsync(alice, bob, carol));
        Assert.Equal(inbox.Select(State), (await ListAsync(bob)).Reverse().Select(State));
    }
}
