using Carteiro.Core.Accounts;
using Carteiro.Core.Mailboxes;
using Carteiro.Core.Storage;

namespace Carteiro.Storage.Tests;

public abstract partial class MailStoreContract
{
    private async Task<(Account Alice, Account Bob)> BobWithMessagesAsync(int count)
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        for (int i = 1; i <= count; i++)
        {
            await SendAsync(Mail(alice, to: ["bob"], subject: $"#{i}"));
        }

        return (alice, bob);
    }

    private async Task<List<long>> UidsAsync(Account account, ListQuery query)
    {
        var page = await Store.ListAsync(account.Id, query, Ct);
        Assert.NotNull(page);
        return [.. page.Items.Select(e => e.Uid)];
    }

    [Fact]
    public async Task Entries_AreTheWholeFolder_OldestFirst_InFewFields()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        for (int i = 0; i < 3; i++)
        {
            await SendAsync(Mail(alice, to: ["bob"]));
        }

        var listed = await ListAsync(bob);
        await Store.SetFlagsAsync(bob.Id, listed[0].Id, MessageFlags.Flagged, MessageFlags.None, Ct);

        var entries = await Store.EntriesAsync(bob.Id, "inbox", Ct);

        Assert.NotNull(entries);
        Assert.Equal(FolderNames.Inbox, entries.Folder.Name);
        Assert.Equal(listed.Select(m => m.Uid).Order(), entries.Entries.Select(e => e.Uid));
        Assert.Equal(listed.OrderBy(m => m.Uid).Select(m => (m.Id, m.Size)), entries.Entries.Select(e => (e.Id, e.Size)));
        Assert.Equal(MessageFlags.Flagged, entries.Entries[^1].Flags);
        Assert.Empty((await Store.EntriesAsync(alice.Id, FolderNames.Inbox, Ct))!.Entries);
        Assert.Null(await Store.EntriesAsync(bob.Id, "no such folder", Ct));
    }

    [Fact]
    public async Task List_IsNewestFirst()
    {
        var (_, bob) = await BobWithMessagesAsync(5);

        var items = await ListAsync(bob);

        Assert.Equal(["#5", "#4", "#3", "#2", "#1"], items.Select(e => e.Subject));
        Assert.Equal([5L, 4, 3, 2, 1], items.Select(e => e.Uid));
    }

    [Fact]
    public async Task List_LimitAndOffset_SelectAPage()
    {
        var (_, bob) = await BobWithMessagesAsync(10);

        Assert.Equal([10L, 9, 8], await UidsAsync(bob, new ListQuery("Inbox", Limit: 3)));
        Assert.Equal([7L, 6, 5], await UidsAsync(bob, new ListQuery("Inbox", Limit: 3, Offset: 3)));
        Assert.Equal([1L], await UidsAsync(bob, new ListQuery("Inbox", Limit: 3, Offset: 9)));
        Assert.Empty(await UidsAsync(bob, new ListQuery("Inbox", Limit: 3, Offset: 10)));
    }

    [Fact]
    public async Task List_BeforeUid_PagesStablyWhileMailArrives()
    {
        var (alice, bob) = await BobWithMessagesAsync(10);
        Assert.Equal([10L, 9, 8, 7], await UidsAsync(bob, new ListQuery("Inbox", Limit: 4)));

        for (int i = 0; i < 3; i++)
        {
            await SendAsync(Mail(alice, to: ["bob"]));
        }

        Assert.Equal([6L, 5, 4, 3], await UidsAsync(bob, new ListQuery("Inbox", Limit: 4, BeforeUid: 7)));
        Assert.Equal([2L, 1], await UidsAsync(bob, new ListQuery("Inbox", Limit: 4, BeforeUid: 3)));
        Assert.Empty(await UidsAsync(bob, new ListQuery("Inbox", Limit: 4, BeforeUid: 1)));
    }

    [Fact]
    public async Task List_UnreadOnly_SkipsSeenEntries()
    {
        var (_, bob) = await BobWithMessagesAsync(5);
        foreach (var entry in (await ListAsync(bob)).Where(e => e.Uid % 2 == 0))
        {
            await Store.SetFlagsAsync(bob.Id, entry.Id, MessageFlags.Seen, MessageFlags.None, Ct);
        }

        Assert.Equal([5L, 3, 1], await UidsAsync(bob, new ListQuery("Inbox", UnreadOnly: true)));
        Assert.Equal([3L], await UidsAsync(bob, new ListQuery("Inbox", Limit: 1, BeforeUid: 5, UnreadOnly: true)));
    }

    [Fact]
    public async Task List_UnknownFolder_ReturnsNull()
    {
        var bob = await AccountAsync("bob");

        Assert.Null(await Store.ListAsync(bob.Id, new ListQuery("Nowhere"), Ct));
    }

    [Theory]
    [InlineData("inbox")]
    [InlineData("INBOX")]
    public async Task List_FolderNameInAnyCase_FindsTheFolder(string name)
    {
        var (_, bob) = await BobWithMessagesAsync(2);

        var page = await Store.ListAsync(bob.Id, new ListQuery(name), Ct);

        Assert.NotNull(page);
        Assert.Equal("Inbox", page.Folder.Name);
        Assert.Equal(2, page.Items.Count);
    }

    [Fact]
    public async Task List_CarriesTheFolderCounts()
    {
        var (_, bob) = await BobWithMessagesAsync(3);

        var page = await Store.ListAsync(bob.Id, new ListQuery("Inbox", Limit: 1), Ct);

        Assert.Equal(await FolderAsync(bob), page!.Folder);
        Assert.Equal((3, 3), (page.Folder.Total, page.Folder.Unread));
    }

    [Fact]
    public async Task List_NegativeOffset_StartsAtTheNewest()
    {
        var (_, bob) = await BobWithMessagesAsync(3);

        Assert.Equal([3L, 2], await UidsAsync(bob, new ListQuery("Inbox", Limit: 2, Offset: -5)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public async Task List_NonPositiveLimit_IsClampedToASmallPage(int limit)
    {
        var (_, bob) = await BobWithMessagesAsync(3);

        Assert.True((await UidsAsync(bob, new ListQuery("Inbox", Limit: limit))).Count <= 1);
    }

    [Fact]
    public async Task List_HugeLimit_IsClampedTo1000()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        await Task.WhenAll(Enumerable.Range(0, 1005).Select(_ => SendAsync(Mail(alice, to: ["bob"]))));

        var uids = await UidsAsync(bob, new ListQuery("Inbox", Limit: int.MaxValue));

        Assert.Equal(1000, uids.Count);
        Assert.Equal(1005, uids[0]);
    }
}
