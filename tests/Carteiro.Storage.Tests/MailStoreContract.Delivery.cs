using Carteiro.Core.Accounts;
using Carteiro.Core.Mailboxes;

namespace Carteiro.Storage.Tests;

public abstract partial class MailStoreContract
{
    [Fact]
    public async Task Deliver_FilesTheSendersCopySeenInSent()
    {
        var alice = await AccountAsync("alice");
        await AccountAsync("bob");

        var outcome = await SendAsync(Mail(alice, to: ["bob"], subject: "Lunch?"));

        Assert.False(outcome.Duplicate);
        var sent = Assert.Single(await ListAsync(alice, FolderNames.Sent));
        Assert.Equal(outcome.SentId, sent.Id);
        Assert.Equal(outcome.MessageId, sent.MessageId);
        Assert.Equal("Sent", sent.Folder);
        Assert.Equal(1, sent.Uid);
        Assert.Equal(MessageFlags.Seen, sent.Flags);
        Assert.Empty(await ListAsync(alice));
        var folder = await FolderAsync(alice, FolderNames.Sent);
        Assert.Equal((1, 0, 2L), (folder.Total, folder.Unread, folder.UidNext));
    }

    [Fact]
    public async Task Deliver_FilesAnUnseenCopyInTheRecipientsInbox()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        var message = Mail(alice, to: ["bob"], subject: "Lunch?", body: "Noon, café?");

        var outcome = await SendAsync(message);

        var entry = Assert.Single(await ListAsync(bob));
        Assert.NotEqual(outcome.SentId, entry.Id);
        Assert.Equal(outcome.MessageId, entry.MessageId);
        Assert.Equal(("Inbox", 1L, MessageFlags.None), (entry.Folder, entry.Uid, entry.Flags));
        Assert.Equal("alice", entry.From);
        Assert.Equal(["bob"], entry.To);
        Assert.Empty(entry.Cc);
        Assert.Equal("Lunch?", entry.Subject);
        Assert.Equal("Noon, café?", entry.Snippet);
        Assert.Equal(message.Date, entry.Date);
        Assert.Equal(outcome.Date, entry.Date);
        Assert.Equal(message.Mime.Length, entry.Size);
        Assert.False(entry.ToEveryone);
        Assert.Empty(await ListAsync(bob, FolderNames.Sent));
        var inbox = await FolderAsync(bob);
        Assert.Equal((1, 1, 2L), (inbox.Total, inbox.Unread, inbox.UidNext));
    }

    [Fact]
    public async Task Deliver_StoresTheMessageOnceForAllItsEntries()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        var message = Mail(alice, to: ["bob"]);

        var outcome = await SendAsync(message);

        var received = Assert.Single(await ListAsync(bob));
        Assert.Equal(2, outcome.Deliveries.Count);
        Assert.Equal([alice.Id, bob.Id], outcome.Deliveries.Select(d => d.AccountId).Order());
        Assert.All(outcome.Deliveries, d => Assert.Equal(outcome.MessageId, d.Entry.MessageId));
        Assert.Equal(message.Mime.ToArray(), await Store.GetMimeAsync(bob.Id, received.Id, Ct));
        Assert.Equal(message.Mime.ToArray(), await Store.GetMimeAsync(alice.Id, outcome.SentId, Ct));
    }

    [Fact]
    public async Task FindByMessageIdHeader_FindsOnlyTheAccountsOwnEntry()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        var carol = await AccountAsync("carol");
        var message = Mail(alice, to: ["bob"], messageIdHeader: "<answer-me@example.org>");
        var outcome = await SendAsync(message);

        var bobs = await Store.FindByMessageIdHeaderAsync(bob.Id, "<answer-me@example.org>", Ct);
        var alices = await Store.FindByMessageIdHeaderAsync(alice.Id, "<answer-me@example.org>", Ct);

        Assert.Equal(Assert.Single(await ListAsync(bob)).Id, bobs?.Id);
        Assert.Equal(outcome.SentId, alices?.Id);
        Assert.Equal(outcome.MessageId, bobs?.MessageId);
        Assert.Null(await Store.FindByMessageIdHeaderAsync(carol.Id, "<answer-me@example.org>", Ct));
        Assert.Null(await Store.FindByMessageIdHeaderAsync(bob.Id, "<nothing@example.org>", Ct));
    }

    [Fact]
    public async Task Deliver_ToToCcAndBcc_FilesOneCopyPerRecipient()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        var carol = await AccountAsync("carol");
        var dave = await AccountAsync("dave");

        var outcome = await SendAsync(Mail(alice, to: ["bob", "bob"], cc: ["carol", "BOB"], bcc: ["dave", "Carol"]));

        foreach (var recipient in new[] { bob, carol, dave })
        {
            Assert.Equal(outcome.MessageId, Assert.Single(await ListAsync(recipient)).MessageId);
            Assert.Equal(1, (await FolderAsync(recipient)).Total);
        }

        Assert.Single(await ListAsync(alice, FolderNames.Sent));
        Assert.Empty(await ListAsync(alice));
        Assert.Equal([alice.Id, bob.Id, carol.Id, dave.Id], outcome.Deliveries.Select(d => d.AccountId).Order());
    }

    [Fact]
    public async Task Deliver_RecipientNamesInAnyCase_ReachTheAccount()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("Bob");

        await SendAsync(Mail(alice, to: ["BOB"]));

        var entry = Assert.Single(await ListAsync(bob));
        Assert.Equal(["Bob"], entry.To);
    }

    [Fact]
    public async Task Deliver_ToEveryone_FilesInEveryInboxIncludingTheSenders()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        var carol = await AccountAsync("carol");

        var outcome = await SendAsync(Mail(alice, everyone: true, subject: "all hands"));

        foreach (var account in new[] { alice, bob, carol })
        {
            var entry = Assert.Single(await ListAsync(account));
            Assert.Equal(outcome.MessageId, entry.MessageId);
            Assert.True(entry.ToEveryone);
            Assert.Equal(MessageFlags.None, entry.Flags);
            Assert.Equal((1, 1), ((await FolderAsync(account)).Total, (await FolderAsync(account)).Unread));
        }

        Assert.Single(await ListAsync(alice, FolderNames.Sent));
        Assert.Equal(4, outcome.Deliveries.Count);
    }

    [Fact]
    public async Task Deliver_ToEveryone_AnnouncesEachInboxCopyAsStored()
    {
        var accounts = new List<Account>();
        for (int i = 0; i < 12; i++)
        {
            accounts.Add(await AccountAsync($"user{i}"));
        }

        // Earlier mail leaves the inboxes at different UIDs, so a copy announced for the wrong inbox shows.
        for (int i = 0; i < accounts.Count; i += 3)
        {
            await SendAsync(Mail(accounts[0], to: [accounts[i].Name]));
        }

        var outcome = await SendAsync(Mail(accounts[1], everyone: true, subject: "all hands"));

        var inboxCopies = outcome.Deliveries.Where(d => d.Entry.Id != outcome.SentId).ToList();
        Assert.Equal(accounts.Count, inboxCopies.Count);
        foreach (var account in accounts)
        {
            var stored = (await ListAsync(account)).Single(e => e.MessageId == outcome.MessageId);
            var announced = Assert.Single(inboxCopies, d => d.AccountId == account.Id).Entry;
            Assert.Equal((stored.Id, stored.Folder, stored.Uid, stored.ModSeq, stored.Flags), (announced.Id, announced.Folder, announced.Uid, announced.ModSeq, announced.Flags));
        }
    }

    [Fact]
    public async Task Deliver_ToEveryoneAndByName_FilesOneCopyEach()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");

        await SendAsync(Mail(alice, everyone: true, to: ["bob"], cc: ["alice"]));

        Assert.Single(await ListAsync(bob));
        Assert.Single(await ListAsync(alice));
        Assert.Equal(1, (await FolderAsync(bob)).Total);
    }

    [Fact]
    public async Task Deliver_ToSelf_FilesInSentAndInbox()
    {
        var alice = await AccountAsync("alice");

        var outcome = await SendAsync(Mail(alice, to: ["alice"]));

        Assert.Equal(outcome.SentId, Assert.Single(await ListAsync(alice, FolderNames.Sent)).Id);
        var inbox = Assert.Single(await ListAsync(alice));
        Assert.Equal(outcome.MessageId, inbox.MessageId);
        Assert.Equal(MessageFlags.None, inbox.Flags);
    }

    [Fact]
    public async Task Deliver_UnknownRecipients_RefusesTheWholeMessageNamingEachOnce()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        var carol = await AccountAsync("carol");
        var before = await SnapshotAsync(alice, bob, carol);

        var outcome = await Store.DeliverAsync(Mail(alice, to: ["bob", "zed"], cc: ["yan", "carol"], bcc: ["ZED", "xavier"], body: "nowhere"), Ct);

        Assert.Equal(["xavier", "yan", "zed"], outcome.UnknownRecipients.Select(n => n.ToLowerInvariant()).Order());
        Assert.Empty(outcome.Deliveries);
        Assert.False(outcome.Duplicate);
        Assert.Equal(before, await SnapshotAsync(alice, bob, carol));
        Assert.Empty(await SearchAsync(alice, "nowhere"));
        Assert.Empty(await SearchAsync(bob, "nowhere"));
    }

    [Fact]
    public async Task Deliver_RefusedWithAClientId_DoesNotTakeTheId()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        await Store.DeliverAsync(Mail(alice, to: ["bobb"], clientId: "c-1"), Ct);

        var outcome = await SendAsync(Mail(alice, to: ["bob"], clientId: "c-1"));

        Assert.False(outcome.Duplicate);
        Assert.Single(await ListAsync(bob));
    }

    [Fact]
    public async Task Deliver_SameClientIdAgain_ReturnsTheFirstResultAndStoresNothing()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        var first = await SendAsync(Mail(alice, to: ["bob"], clientId: "c-1", subject: "first"));
        var before = await SnapshotAsync(alice, bob);

        var retry = await SendAsync(Mail(alice, to: ["bob"], clientId: "c-1", subject: "retry"));

        Assert.True(retry.Duplicate);
        Assert.Equal(first.SentId, retry.SentId);
        Assert.Equal(first.MessageId, retry.MessageId);
        Assert.Equal(first.Date, retry.Date);
        Assert.Empty(retry.Deliveries);
        Assert.Equal(before, await SnapshotAsync(alice, bob));
        Assert.Equal(["first"], (await ListAsync(bob)).Select(e => e.Subject));
    }

    [Fact]
    public async Task Deliver_AnotherSendersClientId_IsANewMessage()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        var carol = await AccountAsync("carol");
        var alices = await SendAsync(Mail(alice, to: ["carol"], clientId: "c-1"));

        var bobs = await SendAsync(Mail(bob, to: ["carol"], clientId: "c-1"));

        Assert.False(bobs.Duplicate);
        Assert.NotEqual(alices.MessageId, bobs.MessageId);
        Assert.Equal(2, (await ListAsync(carol)).Count);
    }

    [Fact]
    public async Task Deliver_Bcc_IsVisibleOnlyInTheSendersCopy()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        var carol = await AccountAsync("carol");

        var outcome = await SendAsync(Mail(alice, to: ["bob"], bcc: ["carol"]));

        Assert.Equal(["carol"], Assert.Single(await ListAsync(alice, FolderNames.Sent)).Bcc);
        Assert.Equal(["carol"], (await EntryAsync(alice, outcome.SentId)).Bcc);
        foreach (var recipient in new[] { bob, carol })
        {
            var entry = Assert.Single(await ListAsync(recipient));
            Assert.Empty(entry.Bcc);
            Assert.Empty((await EntryAsync(recipient, entry.Id)).Bcc);
        }

        Assert.All(outcome.Deliveries.Where(d => d.AccountId != alice.Id), d => Assert.Empty(d.Entry.Bcc));
    }

    [Fact]
    public async Task Deliver_OutcomeEntries_AreWhatIsStored()
    {
        var alice = await AccountAsync("alice");
        await AccountAsync("bob");
        await AccountAsync("carol");

        var outcome = await SendAsync(Mail(alice, to: ["bob"], cc: ["carol"], bcc: ["alice"]));

        Assert.Equal(4, outcome.Deliveries.Count);
        foreach (var delivery in outcome.Deliveries)
        {
            var stored = await EntryAsync((await Store.GetAccountAsync(delivery.AccountId, Ct))!, delivery.Entry.Id);
            Assert.Equal(State(stored), State(delivery.Entry));
            Assert.Equal((stored.From, stored.Subject, stored.Date, stored.Size), (delivery.Entry.From, delivery.Entry.Subject, delivery.Entry.Date, delivery.Entry.Size));
            Assert.Equal(stored.To, delivery.Entry.To);
            Assert.Equal(stored.Bcc, delivery.Entry.Bcc);
        }
    }

    [Fact]
    public async Task Deliver_NewMessage_StartsItsOwnThread()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");

        var outcome = await SendAsync(Mail(alice, to: ["bob"]));

        var entry = Assert.Single(await ListAsync(bob));
        Assert.Equal(outcome.MessageId, entry.ThreadId);
        Assert.Null(entry.InReplyTo);
    }

    [Fact]
    public async Task Deliver_Reply_JoinsTheParentsThread()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        var parent = await SendAsync(Mail(alice, to: ["bob"]));

        var reply = await SendAsync(Mail(bob, to: ["alice"], inReplyTo: parent.MessageId, threadId: parent.MessageId));

        var entry = Assert.Single(await ListAsync(alice));
        Assert.Equal(reply.MessageId, entry.MessageId);
        Assert.Equal(parent.MessageId, entry.InReplyTo);
        Assert.Equal(parent.MessageId, entry.ThreadId);
    }
}
