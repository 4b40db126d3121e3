using Carteiro.Core.Accounts;
using Carteiro.Core.Mailboxes;
using Carteiro.Core.Storage;

namespace Carteiro.Storage.Tests;

public abstract partial class MailStoreContract
{
    [Fact]
    public async Task Reopen_KeepsEverythingCommitted()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob", isAdmin: true);
        byte[] token = AccessToken.Digest(AccessToken.Create());
        await Store.AddTokenAsync(bob.Id, token, "phone", Ct);
        var messages = new List<NewMessage>();
        for (int i = 0; i < 5; i++)
        {
            var message = Mail(alice, to: ["bob"], subject: $"durable {i}", clientId: $"c-{i}");
            messages.Add(message);
            await SendAsync(message);
        }

        await Store.CreateFolderAsync(bob.Id, "Archive", Ct);
        var entries = await ListAsync(bob);
        await Store.SetFlagsAsync(bob.Id, entries[0].Id, MessageFlags.Flagged, MessageFlags.None, Ct);
        await Store.MoveAsync(bob.Id, entries[1].Id, "Archive", Ct);
        var accounts = await Store.ListAccountsAsync(Ct);
        var folders = await SnapshotAsync(alice, bob);
        var inbox = (await ListAsync(bob)).Select(State).ToList();
        var sent = (await ListAsync(alice, FolderNames.Sent)).Select(State).ToList();

        await ReopenAsync();

        Assert.Equal(accounts, await Store.ListAccountsAsync(Ct));
        Assert.Equal(folders, await SnapshotAsync(alice, bob));
        Assert.Equal(inbox, (await ListAsync(bob)).Select(State));
        Assert.Equal(sent, (await ListAsync(alice, FolderNames.Sent)).Select(State));
        Assert.Equal(bob, await Store.FindTokenAsync(token, Ct));
        Assert.Equal(5, (await SearchAsync(bob, "durable")).Count);
        foreach (var entry in await ListAsync(alice, FolderNames.Sent))
        {
            var message = messages.Single(m => m.Subject == entry.Subject);
            Assert.Equal(message.Mime.ToArray(), await Store.GetMimeAsync(alice.Id, entry.Id, Ct));
        }

        // The idempotency record survives too.
        Assert.True((await SendAsync(Mail(alice, to: ["bob"], clientId: "c-0"))).Duplicate);
    }

    [Fact]
    public async Task ConcurrentDeliveries_AllCommitWithUniqueIdsAndGaplessUids()
    {
        const int Count = 200;
        var bob = await AccountAsync("bob");
        var senders = new List<Account>();
        for (int i = 0; i < 4; i++)
        {
            senders.Add(await AccountAsync($"sender{i}"));
        }

        var outcomes = await Task.WhenAll(Enumerable.Range(0, Count).Select(i =>
            Task.Run(() => SendAsync(Mail(senders[i % senders.Count], to: ["bob"])), Ct)));

        Assert.All(outcomes, o => Assert.False(o.Duplicate));
        Assert.Equal(Count, outcomes.Select(o => o.SentId).Distinct().Count());
        Assert.Equal(Count, outcomes.Select(o => o.MessageId).Distinct().Count());
        var received = await ListAsync(bob);
        Assert.Equal(Enumerable.Range(1, Count).Select(i => (long)i), received.Select(e => e.Uid).Order());
        Assert.Empty(received.Select(e => e.Id).Intersect(outcomes.Select(o => o.SentId)));
        Assert.Equal(Count, received.Select(e => e.Id).Distinct().Count());
        var inbox = await FolderAsync(bob);
        Assert.Equal((Count, Count, Count + 1L), (inbox.Total, inbox.Unread, inbox.UidNext));
        foreach (var sender in senders)
        {
            Assert.Equal(Enumerable.Range(1, Count / senders.Count).Select(i => (long)i), (await ListAsync(sender, FolderNames.Sent)).Select(e => e.Uid).Order());
        }
    }

    [Fact]
    public async Task RefusalInABatch_DoesNotFailTheOthers()
    {
        const int Count = 60;
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");

        var outcomes = await Task.WhenAll(Enumerable.Range(0, Count).Select(i => Task.Run(() => Store.DeliverAsync(i switch
        {
            20 => Mail(alice, to: ["nobody"]),
            40 => Mail(alice, to: ["bob"], cc: ["ghost"]),
            _ => Mail(alice, to: ["bob"]),
        }, Ct), Ct)));

        Assert.Equal(["nobody"], outcomes[20].UnknownRecipients);
        Assert.Equal(["ghost"], outcomes[40].UnknownRecipients);
        Assert.All(outcomes.Where((_, i) => i is not 20 and not 40), o => Assert.Empty(o.UnknownRecipients));
        Assert.Equal(Enumerable.Range(1, Count - 2).Select(i => (long)i), (await ListAsync(bob)).Select(e => e.Uid).Order());
        Assert.Equal(Count - 2, (await FolderAsync(alice, FolderNames.Sent)).Total);
    }

    [Fact]
    public async Task ConcurrentRetriesWithOneClientId_StoreOneMessage()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            Task.Run(() => SendAsync(Mail(alice, to: ["bob"], clientId: "same")), Ct)));

        Assert.Single(outcomes, o => !o.Duplicate);
        Assert.Single(outcomes.Select(o => (o.SentId, o.MessageId, o.Date)).Distinct());
        Assert.Single(await ListAsync(bob));
        Assert.Single(await ListAsync(alice, FolderNames.Sent));
    }
}
