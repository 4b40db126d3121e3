using Carteiro.Core.Accounts;
using Carteiro.Core.Mailboxes;
using Carteiro.Core.Storage;
using Carteiro.Core.Messages;

namespace Carteiro.Storage.Tests;

public abstract partial class MailStoreContract
{
    private sealed record SearchWorld(Account Alice, Account Bob, Account Carol, Account Dave, long Lunch, long Report);

    // Bob has two messages: lunch from alice, a report from carol. Dave has one of his own.
    private async Task<SearchWorld> SearchWorldAsync()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        var carol = await AccountAsync("carol");
        var dave = await AccountAsync("dave");
        var lunch = await SendAsync(Mail(alice, to: ["bob"], subject: "Lunch on Friday", body: "Noon at the café near the river?"));
        var report = await SendAsync(Mail(carol, to: ["bob"], subject: "Quarterly report", body: "Numbers attached, see the spreadsheet."));
        await SendAsync(Mail(carol, to: ["dave"], subject: "Lunch for dave", body: "Private lunch plans, river view."));
        return new SearchWorld(alice, bob, carol, dave, lunch.MessageId, report.MessageId);
    }

    private async Task<List<long>> FoundAsync(Account account, string text, string? folder = null) =>
        [.. (await SearchAsync(account, text, folder)).Select(e => e.MessageId)];

    [Theory]
    [InlineData("friday")]
    [InlineData("Friday")]
    [InlineData("FRIDAY")]
    public async Task Search_BySubjectWord_FindsIt(string text)
    {
        var w = await SearchWorldAsync();

        Assert.Equal([w.Lunch], await FoundAsync(w.Bob, text));
    }

    [Fact]
    public async Task Search_ByBodyWord_FindsIt()
    {
        var w = await SearchWorldAsync();

        Assert.Equal([w.Report], await FoundAsync(w.Bob, "spreadsheet"));
    }

    [Fact]
    public async Task Search_BySenderName_FindsIt()
    {
        var w = await SearchWorldAsync();

        Assert.Equal([w.Report], await FoundAsync(w.Bob, "carol"));
    }

    [Fact]
    public async Task Search_ByRecipientName_FindsIt()
    {
        var w = await SearchWorldAsync();

        Assert.Equal([w.Lunch], await FoundAsync(w.Alice, "bob"));
    }

    [Fact]
    public async Task Search_EveryWordMustMatch()
    {
        var w = await SearchWorldAsync();

        Assert.Equal([w.Lunch], await FoundAsync(w.Bob, "lunch river"));
        Assert.Empty(await FoundAsync(w.Bob, "lunch spreadsheet"));
    }

    [Fact]
    public async Task Search_TrailingStar_MatchesAPrefix()
    {
        var w = await SearchWorldAsync();

        Assert.Equal([w.Report], await FoundAsync(w.Bob, "spread*"));
        Assert.Equal([w.Report], await FoundAsync(w.Bob, "QUART*"));
        Assert.Empty(await FoundAsync(w.Bob, "spread"));
    }

    [Theory]
    [InlineData("e-mail")]
    [InlineData("joe.bloggs")]
    [InlineData("bloggs.joe")]
    [InlineData("E-MA*")]
    [InlineData("(draft)")]
    public async Task Search_AWordWithPunctuation_FindsEachOfItsParts(string text)
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        var draft = await SendAsync(Mail(alice, to: ["bob"], subject: "Review", body: "Please e-mail the draft to joe.bloggs before noon."));
        await SendAsync(Mail(alice, to: ["bob"], subject: "Other", body: "Nothing to see: mail for joe only."));

        Assert.Equal([draft.MessageId], (await SearchAsync(bob, text)).Select(e => e.MessageId));
    }

    [Fact]
    public async Task Search_AWordWithPunctuation_StillNeedsEveryPart()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        await SendAsync(Mail(alice, to: ["bob"], subject: "Review", body: "Please e-mail the draft to joe.bloggs before noon."));

        Assert.Empty(await SearchAsync(bob, "e-mailbox"));
        Assert.Empty(await SearchAsync(bob, "joe.smith"));
    }

    [Theory]
    [InlineData("cafe")]
    [InlineData("café")]
    [InlineData("CAFÉ")]
    [InlineData("cafè")]
    public async Task Search_IgnoresDiacritics(string text)
    {
        var w = await SearchWorldAsync();

        Assert.Equal([w.Lunch], await FoundAsync(w.Bob, text));
    }

    [Fact]
    public async Task Search_WithoutDiacriticsInTheText_FindsTheAccentedQuery()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        await SendAsync(Mail(alice, to: ["bob"], subject: "Acao", body: "sem acentos aqui"));

        Assert.Single(await SearchAsync(bob, "ação"));
    }

    [Fact]
    public async Task Search_IsNewestFirst()
    {
        var w = await SearchWorldAsync();
        var later = await SendAsync(Mail(w.Alice, to: ["bob"], subject: "Another lunch"));

        Assert.Equal([later.MessageId, w.Lunch], await FoundAsync(w.Bob, "lunch"));
    }

    [Fact]
    public async Task Search_LimitAndOffset_PageNewestFirst_WithEachCopyOfAMessageOnce()
    {
        var alice = await AccountAsync("alice");
        var sent = new List<long>();
        for (int i = 0; i < 5; i++)
        {
            // To herself: each message has two of alice's entries, Sent and Inbox.
            sent.Add((await SendAsync(Mail(alice, to: ["alice"], subject: $"note {i}"))).MessageId);
        }

        async Task<List<MessageSummary>> Page(int limit, int offset) =>
            [.. await Store.SearchAsync(alice.Id, new SearchQuery("note", null, limit, offset), Ct)];

        var whole = await Page(50, 0);
        var paged = (await Page(3, 0)).Concat(await Page(3, 3)).Concat(await Page(3, 6)).Concat(await Page(3, 9)).ToList();
        Assert.Empty(await Page(3, 10));

        Assert.Equal(whole.Select(e => e.Id), paged.Select(e => e.Id));
        Assert.Equal(10, whole.Select(e => e.Id).Distinct().Count());
        Assert.Equal(sent.AsEnumerable().Reverse().SelectMany(m => new[] { m, m }), whole.Select(e => e.MessageId));
        Assert.All(whole.Chunk(2), pair => Assert.Equal(["Inbox", "Sent"], pair.Select(e => e.Folder).Order()));
    }

    [Fact]
    public async Task Search_InOneFolder_FindsOnlyThere()
    {
        var w = await SearchWorldAsync();
        await Store.CreateFolderAsync(w.Bob.Id, "Archive", Ct);
        var later = await SendAsync(Mail(w.Alice, to: ["bob"], subject: "Another lunch"));
        var archived = (await ListAsync(w.Bob)).Single(e => e.MessageId == later.MessageId);
        await Store.MoveAsync(w.Bob.Id, archived.Id, "Archive", Ct);

        var found = await SearchAsync(w.Bob, "lunch", "archive");

        Assert.Equal(archived.Id, Assert.Single(found).Id);
        Assert.Equal("Archive", found[0].Folder);
        Assert.Equal([w.Lunch], await FoundAsync(w.Bob, "lunch", "Inbox"));
        Assert.Empty(await FoundAsync(w.Bob, "lunch", "Trash"));
    }

    [Fact]
    public async Task Search_NeverReturnsAnotherAccountsMessages()
    {
        var w = await SearchWorldAsync();

        Assert.Equal([w.Lunch], await FoundAsync(w.Bob, "lunch"));
        Assert.Empty(await FoundAsync(w.Bob, "private"));
        Assert.Empty(await FoundAsync(w.Dave, "friday"));
        Assert.Empty(await FoundAsync(w.Alice, "spreadsheet"));
        Assert.Equal([w.Report], await FoundAsync(w.Carol, "spreadsheet"));
    }

    [Fact]
    public async Task Search_ReturnsTheSearchersOwnEntries()
    {
        var w = await SearchWorldAsync();
        var bobs = (await ListAsync(w.Bob)).Single(e => e.MessageId == w.Lunch);

        var found = Assert.Single(await SearchAsync(w.Bob, "friday"));

        Assert.Equal(State(bobs), State(found));
        Assert.Equal(MessageFlags.Seen, Assert.Single(await SearchAsync(w.Alice, "friday")).Flags);
    }

    [Fact]
    public async Task Search_BccNames_AreNotFoundByRecipients()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        await AccountAsync("zoltan");

        await SendAsync(Mail(alice, to: ["bob"], bcc: ["zoltan"], subject: "hello", body: "hi"));

        Assert.Empty(await SearchAsync(bob, "zoltan"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("*")]
    public async Task Search_NothingToLookFor_FindsNothing(string text)
    {
        var w = await SearchWorldAsync();

        Assert.Empty(await FoundAsync(w.Bob, text));
    }

    [Theory]
    [InlineData("\"")]
    [InlineData("\"lunch")]
    [InlineData("lunch\"")]
    [InlineData("\"\"")]
    [InlineData("AND")]
    [InlineData("lunch AND")]
    [InlineData("OR lunch")]
    [InlineData("NOT")]
    [InlineData("lunch NOT river")]
    [InlineData("NEAR(")]
    [InlineData("NEAR(lunch river)")]
    [InlineData("NEAR(lunch river, 2)")]
    [InlineData("**")]
    [InlineData("*lunch")]
    [InlineData("lu*nch")]
    [InlineData("-")]
    [InlineData("-lunch")]
    [InlineData("lunch -river")]
    [InlineData("(")]
    [InlineData(")")]
    [InlineData("(lunch")]
    [InlineData("^lunch")]
    [InlineData(":")]
    [InlineData("subject:lunch")]
    [InlineData("{subject body}: lunch")]
    [InlineData("'")]
    [InlineData("lunch'; DROP TABLE messages; --")]
    [InlineData("+")]
    [InlineData("\\")]
    [InlineData("\0")]
    [InlineData("%_")]
    public async Task Search_FtsSyntaxInTheQuery_IsHarmless(string text)
    {
        var w = await SearchWorldAsync();
        var bobs = (await ListAsync(w.Bob)).Select(e => e.Id).ToHashSet();

        var found = await SearchAsync(w.Bob, text);

        Assert.All(found, e => Assert.Contains(e.Id, bobs));
        Assert.Equal(2, (await ListAsync(w.Bob)).Count);
        Assert.Equal([w.Lunch], await FoundAsync(w.Bob, "friday"));
    }
}
