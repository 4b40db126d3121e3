using System.Globalization;
using Carteiro.TestKit;
using Carteiro.Web.Tests.Support;

namespace Carteiro.Web.Tests;

/// <summary>Sending, listing, reading, flags, moving, deleting, search and names over HTTP.</summary>
public sealed class MailTests(WebFixture fixture) : IClassFixture<WebFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task Send_Answers201WithIdMessageDate_NotDuplicate_AndFilesSentCopy()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var bob = await WebUser.NewAsync(_server, "bob");
        var before = DateTimeOffset.UtcNow;

        var answer = (await alice.PostAsync("api/messages", new { to = new[] { bob.User }, subject = "Lunch?", body = "Noon at the usual place?" })).AssertStatus(201);

        var json = answer.Json;
        long id = json.Long("id");
        long message = json.Long("message");
        Assert.True(id > 0 && message > 0);
        Assert.False(json.Bool("duplicate"));
        var date = DateTimeOffset.Parse(json.Str("date"), CultureInfo.InvariantCulture);
        Assert.InRange(date, before.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));

        var sent = await alice.PeekAsync(id);
        Assert.Equal("Sent", sent.Str("folder"));
        Assert.Equal(message, sent.Long("message"));
        Assert.Equal(alice.User, sent.Str("from"));
        Assert.Equal([bob.User], sent.Strings("to"));
        Assert.Equal("Lunch?", sent.Str("subject"));
        Assert.Equal("Noon at the usual place?", sent.Str("body"));
        Assert.Matches("^<.+@.+>$", sent.Str("messageId"));
        Assert.Contains("seen", sent.Flags());

        var received = await bob.FindAsync(message);
        Assert.Equal("Inbox", received.Str("folder"));
        Assert.Equal(alice.User, received.Str("from"));
        Assert.Equal("Noon at the usual place?", received.Str("snippet"));
        Assert.Equal(message, received.Long("thread"));
        Assert.Equal(date, DateTimeOffset.Parse(received.Str("date"), CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Inbox_NewestFirst_Unread_PagedWithNextAndBefore()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var bob = await WebUser.NewAsync(_server, "bob");
        for (int i = 0; i < 5; i++)
        {
            await alice.SendMailAsync(bob.User, $"number {i}", $"body {i}");
        }

        var subjects = new List<string>();
        var pages = new List<int>();
        string query = "?limit=2";
        while (true)
        {
            var page = await bob.ListAsync("Inbox", query);
            Assert.Equal("Inbox", page.Prop("folder").Str("name"));
            Assert.Equal(5, page.Prop("folder").Long("total"));
            Assert.Equal(5, page.Prop("folder").Long("unread"));
            var items = page.Items();
            pages.Add(items.Count);
            foreach (var item in items)
            {
                subjects.Add(item.Str("subject"));
                Assert.Empty(item.Flags());
                Assert.Equal("Inbox", item.Str("folder"));
            }

            long? next = page.LongOrNull("next");
            if (next is null)
            {
                break;
            }

            Assert.Equal(items[^1].Long("uid"), next);
            Assert.True(pages.Count < 10, "paging does not end");
            query = $"?limit=2&before={next}";
        }

        Assert.Equal(["number 4", "number 3", "number 2", "number 1", "number 0"], subjects);
        Assert.Equal([2, 2, 1], pages);
    }

    [Fact]
    public async Task List_UnreadOnly_And_UnknownFolder()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var bob = await WebUser.NewAsync(_server, "bob");
        var first = await alice.SendMailAsync(bob.User, "read me", "x");
        await alice.SendMailAsync(bob.User, "leave me", "y");
        (await bob.GetAsync($"api/messages/{(await bob.FindAsync(first.Long("message"))).Long("id")}")).AssertStatus(200);

        var unread = await bob.ListAsync("Inbox", "?unread=true");

        Assert.Equal(["leave me"], unread.Items().Select(i => i.Str("subject")));
        (await bob.GetAsync("api/folders/Nowhere/messages")).AssertProblem(404, "no-such-folder");
    }

    [Fact]
    public async Task Read_MarksSeen_PeekDoesNot_AndUnreadCountsFollow()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var bob = await WebUser.NewAsync(_server, "bob");
        var sent = await alice.SendMailAsync(bob.User, "count me", "body");
        await alice.SendMailAsync(bob.User, "and me", "body");
        long id = (await bob.FindAsync(sent.Long("message"))).Long("id");
        Assert.Equal(2, (await bob.FolderAsync("Inbox")).Long("unread"));

        var peeked = await bob.PeekAsync(id);
        Assert.Empty(peeked.Flags());
        Assert.Equal(2, (await bob.FolderAsync("Inbox")).Long("unread"));
        Assert.Empty((await bob.FindAsync(sent.Long("message"))).Flags());

        var read = (await bob.GetAsync($"api/messages/{id}")).AssertStatus(200).Json;
        Assert.Equal(["seen"], read.Flags());
        Assert.Equal("body", read.Str("body"));
        var inbox = await bob.FolderAsync("Inbox");
        Assert.Equal(1, inbox.Long("unread"));
        Assert.Equal(2, inbox.Long("total"));
        Assert.Equal(["seen"], (await bob.FindAsync(sent.Long("message"))).Flags());
    }

    [Fact]
    public async Task Patch_SeenAndFlagged_ChangeOnlyWhatIsGiven()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var bob = await WebUser.NewAsync(_server, "bob");
        var sent = await alice.SendMailAsync(bob.User, "flag me", "body");
        long id = (await bob.FindAsync(sent.Long("message"))).Long("id");

        var seen = (await bob.PatchAsync($"api/messages/{id}", new { seen = true })).AssertStatus(200).Json;
        Assert.Equal(["seen"], seen.Flags());
        Assert.Equal(id, seen.Long("id"));
        Assert.Equal(0, (await bob.FolderAsync("Inbox")).Long("unread"));

        var flagged = (await bob.PatchAsync($"api/messages/{id}", new { flagged = true })).AssertStatus(200).Json;
        Assert.Equal(["seen", "flagged"], flagged.Flags());
        Assert.True(flagged.Long("modseq") > seen.Long("modseq"));

        var unseen = (await bob.PatchAsync($"api/messages/{id}", new { seen = false })).AssertStatus(200).Json;
        Assert.Equal(["flagged"], unseen.Flags());
        Assert.Equal(1, (await bob.FolderAsync("Inbox")).Long("unread"));

        var both = (await bob.PatchAsync($"api/messages/{id}", new { seen = true, flagged = false })).AssertStatus(200).Json;
        Assert.Equal(["seen"], both.Flags());
        Assert.Equal(["seen"], (await bob.PeekAsync(id)).Flags());
    }

    [Fact]
    public async Task Move_ToTrashAndBack_FollowsFoldersAndCounts()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var bob = await WebUser.NewAsync(_server, "bob");
        var sent = await alice.SendMailAsync(bob.User, "move me", "body");
        long id = (await bob.FindAsync(sent.Long("message"))).Long("id");

        var moved = (await bob.PostAsync($"api/messages/{id}/move", new { folder = "Trash" })).AssertStatus(200).Json;

        Assert.Equal("Trash", moved.Str("folder"));
        Assert.Equal(sent.Long("message"), moved.Long("message"));
        Assert.Equal(0, (await bob.FolderAsync("Inbox")).Long("total"));
        Assert.Equal(1, (await bob.FolderAsync("Trash")).Long("total"));
        Assert.Equal("Trash", (await bob.PeekAsync(moved.Long("id"))).Str("folder"));

        var back = (await bob.PostAsync($"api/messages/{moved.Long("id")}/move", new { folder = "Inbox" })).AssertStatus(200).Json;
        Assert.Equal("Inbox", back.Str("folder"));
        Assert.Equal(1, (await bob.FolderAsync("Inbox")).Long("total"));
        Assert.Equal(0, (await bob.FolderAsync("Trash")).Long("total"));
    }

    [Fact]
    public async Task Move_WithoutFolder_400BadSyntax()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        var sent = await alice.SendMailAsync(alice.User, "to myself", "body");

        (await alice.PostAsync($"api/messages/{sent.Long("id")}/move", new { })).AssertProblem(400, "bad-syntax");
        Assert.Equal("Sent", (await alice.PeekAsync(sent.Long("id"))).Str("folder"));
    }

    [Fact]
    public async Task Move_ToUnknownFolder_404NoSuchFolder_AndMessageStays()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var bob = await WebUser.NewAsync(_server, "bob");
        var sent = await alice.SendMailAsync(bob.User, "stay", "body");
        long id = (await bob.FindAsync(sent.Long("message"))).Long("id");

        (await bob.PostAsync($"api/messages/{id}/move", new { folder = "Nowhere" + Guid.NewGuid().ToString("N")[..6] })).AssertProblem(404, "no-such-folder");

        Assert.Equal("Inbox", (await bob.PeekAsync(id)).Str("folder"));
    }

    [Fact]
    public async Task Move_FolderNameInAnyCase_IsTheStandardFolder()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var bob = await WebUser.NewAsync(_server, "bob");
        var sent = await alice.SendMailAsync(bob.User, "case", "body");
        long id = (await bob.FindAsync(sent.Long("message"))).Long("id");

        var moved = (await bob.PostAsync($"api/messages/{id}/move", new { folder = "tRASH" })).AssertStatus(200).Json;

        Assert.Equal("Trash", moved.Str("folder"));
        Assert.Equal(1, (await bob.FolderAsync("Trash")).Long("total"));
    }

    [Fact]
    public async Task Delete_MovesToTrash_ThenFromTrashDeletesForGood()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var bob = await WebUser.NewAsync(_server, "bob");
        var sent = await alice.SendMailAsync(bob.User, "delete me", "body");
        long id = (await bob.FindAsync(sent.Long("message"))).Long("id");

        var trashed = (await bob.DeleteAsync($"api/messages/{id}")).AssertStatus(200).Json;

        Assert.False(trashed.Bool("deleted"));
        Assert.Equal("Trash", trashed.Str("folder"));
        long trashId = trashed.Long("id");
        Assert.Equal("Trash", (await bob.PeekAsync(trashId)).Str("folder"));
        Assert.Equal(0, (await bob.FolderAsync("Inbox")).Long("total"));
        Assert.Equal(1, (await bob.FolderAsync("Trash")).Long("total"));

        var gone = (await bob.DeleteAsync($"api/messages/{trashId}")).AssertStatus(200).Json;

        Assert.True(gone.Bool("deleted"));
        Assert.Equal(trashId, gone.Long("id"));
        Assert.Equal(0, (await bob.FolderAsync("Trash")).Long("total"));
        (await bob.GetAsync($"api/messages/{trashId}")).AssertProblem(404, "no-such-message");
        (await bob.DeleteAsync($"api/messages/{trashId}")).AssertProblem(404, "no-such-message");

        // The sender's copy is a copy of its own.
        Assert.Equal("delete me", (await alice.PeekAsync(sent.Long("id"))).Str("subject"));
    }

    [Fact]
    public async Task Delete_WithPurge_DeletesForGoodAtOnce()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var bob = await WebUser.NewAsync(_server, "bob");
        var sent = await alice.SendMailAsync(bob.User, "purge me", "body");
        long id = (await bob.FindAsync(sent.Long("message"))).Long("id");

        var gone = (await bob.DeleteAsync($"api/messages/{id}?purge=true")).AssertStatus(200).Json;

        Assert.True(gone.Bool("deleted"));
        Assert.Equal(0, (await bob.FolderAsync("Inbox")).Long("total"));
        Assert.Equal(0, (await bob.FolderAsync("Trash")).Long("total"));
        (await bob.GetAsync($"api/messages/{id}?peek=true")).AssertProblem(404, "no-such-message");
    }

    [Fact]
    public async Task Search_FindsWordInBodyAndInSubject_OnlyInOwnMail()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var bob = await WebUser.NewAsync(_server, "bob");
        using var eve = await WebUser.NewAsync(_server, "eve");
        string bodyWord = "quokka" + Guid.NewGuid().ToString("N")[..8];
        string subjectWord = "wombat" + Guid.NewGuid().ToString("N")[..8];
        var inBody = await alice.SendMailAsync(bob.User, "plain subject", $"there is a {bodyWord} in here");
        var inSubject = await alice.SendMailAsync(bob.User, $"about the {subjectWord}", "plain body");
        await alice.SendMailAsync(bob.User, "unrelated", "nothing to see");

        var byBody = (await bob.GetAsync($"api/search?q={bodyWord}")).AssertStatus(200).Json.Items();
        var bySubject = (await bob.GetAsync($"api/search?q={subjectWord}")).AssertStatus(200).Json.Items();
        var inInbox = (await bob.GetAsync($"api/search?q={subjectWord}&folder=Inbox")).AssertStatus(200).Json.Items();
        var inTrash = (await bob.GetAsync($"api/search?q={subjectWord}&folder=Trash")).AssertStatus(200).Json.Items();

        Assert.Equal([inBody.Long("message")], byBody.Select(i => i.Long("message")));
        Assert.Equal([inSubject.Long("message")], bySubject.Select(i => i.Long("message")));
        Assert.Equal("Inbox", Assert.Single(inInbox).Str("folder"));
        Assert.Empty(inTrash);
        Assert.Empty((await eve.GetAsync($"api/search?q={bodyWord}")).AssertStatus(200).Json.Items());
        Assert.Empty((await eve.GetAsync($"api/search?q={subjectWord}")).AssertStatus(200).Json.Items());
        (await bob.GetAsync("api/search")).AssertProblem(400, "bad-syntax");
    }

    [Theory]
    [InlineData("\"")]
    [InlineData("(")]
    [InlineData("a AND")]
    [InlineData("*")]
    [InlineData("NEAR(x y)")]
    [InlineData("subject:x")]
    [InlineData("-x")]
    [InlineData("'; DROP TABLE messages; --")]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Search_WithQuerySyntaxCharacters_NeverFails(string q)
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        await alice.SendMailAsync(alice.User, "subject x", "a body with (parens) and \"quotes\"");

        var answer = (await alice.GetAsync($"api/search?q={Uri.EscapeDataString(q)}")).AssertStatus(200);

        Assert.Equal(System.Text.Json.JsonValueKind.Array, answer.Json.Prop("items").ValueKind);
    }

    [Fact]
    public async Task Search_PrefixAndPaging()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        string stem = "pfx" + Guid.NewGuid().ToString("N")[..8];
        for (int i = 0; i < 3; i++)
        {
            await alice.SendMailAsync(alice.User, $"item {i}", $"{stem}tail{i}");
        }

        var prefixed = (await alice.GetAsync($"api/search?q={stem}*&folder=Inbox")).AssertStatus(200).Json.Items();
        var first = (await alice.GetAsync($"api/search?q={stem}*&folder=Inbox&limit=2")).AssertStatus(200).Json.Items();
        var rest = (await alice.GetAsync($"api/search?q={stem}*&folder=Inbox&limit=2&offset=2")).AssertStatus(200).Json.Items();

        Assert.Equal(3, prefixed.Count);
        Assert.Equal(2, first.Count);
        Assert.Single(rest);
        Assert.Equal(prefixed.Select(i => i.Long("id")).Order(), first.Concat(rest).Select(i => i.Long("id")).Order());
        (await alice.GetAsync($"api/search?q={stem}&folder=Nowhere")).AssertProblem(404, "no-such-folder");
    }

    [Fact]
    public async Task Search_NewestFirstWhateverTheMatchStrength()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        string word = "rank" + Guid.NewGuid().ToString("N")[..8];

        // Like the native SEARCH and mail clients: newest first, not by rank.
        var strong = await alice.SendMailAsync(alice.User, $"{word} {word} {word}", $"{word} {word} {word} {word}");
        var weak = await alice.SendMailAsync(alice.User, "something else entirely", $"a long body that mentions the word once, {word}, among many many other words of no interest at all to anybody");

        var found = (await alice.GetAsync($"api/search?q={word}&folder=Inbox")).AssertStatus(200).Json.Items();

        Assert.Equal([weak.Long("message"), strong.Long("message")], found.Select(i => i.Long("message")));
    }

    [Fact]
    public async Task Who_ListsUsersWithAnOpenEventStream()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var bob = await WebUser.NewAsync(_server, "bob");
        using var carol = await WebUser.NewAsync(_server, "carol");
        await using var watcher = await EventStream.OpenAsync(carol);

        Assert.DoesNotContain(bob.User, await WhoAsync(alice));
        await using (var first = await EventStream.OpenAsync(bob))
        {
            await using var second = await EventStream.OpenAsync(bob);
            var who = (await alice.GetAsync("api/who")).AssertStatus(200).Json;
            var entry = Assert.Single(who.EnumerateArray(), e => e.Str("name") == bob.User);
            Assert.Equal(2, entry.Long("sessions"));
            Assert.InRange(DateTimeOffset.Parse(entry.Str("since"), CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
            Assert.Contains(carol.User, await WhoAsync(alice));
            Assert.DoesNotContain(alice.User, await WhoAsync(alice));
        }

        // Both streams closed: bob goes offline, and /api/who says so.
        await watcher.WaitForAsync("presence", d => d.Str("user") == bob.User && !d.Bool("online"), TimeSpan.FromSeconds(5));
        Assert.DoesNotContain(bob.User, await WhoAsync(alice));
    }

    private static async Task<IReadOnlyList<string>> WhoAsync(WebUser web) =>
        [.. (await web.GetAsync("api/who")).AssertStatus(200).Json.EnumerateArray().Select(e => e.Str("name"))];

    [Fact]
    public async Task Users_CompletesNamesByPrefix()
    {
        string prefix = UniqueName.Of("zz") + "q";
        await _server.CreateUserAsync(prefix + "anna");
        await _server.CreateUserAsync(prefix + "alan");
        await _server.CreateUserAsync(prefix + "bert");
        using var web = await WebUser.NewAsync(_server, "asker");

        var all = (await web.GetAsync($"api/users?prefix={prefix}")).AssertStatus(200).Json.Strings();
        var a = (await web.GetAsync($"api/users?prefix={prefix}a")).AssertStatus(200).Json.Strings();
        var one = (await web.GetAsync($"api/users?prefix={prefix}&limit=1")).AssertStatus(200).Json.Strings();
        var upper = (await web.GetAsync($"api/users?prefix={prefix.ToUpperInvariant()}A")).AssertStatus(200).Json.Strings();

        Assert.Equal([prefix + "alan", prefix + "anna", prefix + "bert"], all.Order(StringComparer.Ordinal));
        Assert.Equal([prefix + "alan", prefix + "anna"], a.Order(StringComparer.Ordinal));
        Assert.Single(one);
        Assert.Equal([prefix + "alan", prefix + "anna"], upper.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Reply_KeepsThread_AndMarksParentAnswered()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var bob = await WebUser.NewAsync(_server, "bob");
        var first = await alice.SendMailAsync(bob.User, "Lunch?", "Noon?");
        long bobsCopy = (await bob.FindAsync(first.Long("message"))).Long("id");

        var reply = (await bob.PostAsync("api/messages", new { to = new[] { alice.User }, subject = "Re: Lunch?", body = "Yes", replyTo = bobsCopy })).AssertStatus(201).Json;
        var second = (await alice.PostAsync("api/messages", new { to = new[] { bob.User }, subject = "Re: Re: Lunch?", body = "Great", replyTo = (await alice.FindAsync(reply.Long("message"))).Long("id") })).AssertStatus(201).Json;

        var received = await alice.FindAsync(reply.Long("message"));
        Assert.Equal(first.Long("message"), received.Long("thread"));
        Assert.Equal(first.Long("message"), received.LongOrNull("inReplyTo"));
        var last = await bob.FindAsync(second.Long("message"));
        Assert.Equal(first.Long("message"), last.Long("thread"));
        Assert.Equal(reply.Long("message"), last.LongOrNull("inReplyTo"));
        Assert.Contains("answered", (await bob.PeekAsync(bobsCopy)).Flags());
        Assert.DoesNotContain("answered", (await alice.PeekAsync(first.Long("id"))).Flags());
        Assert.Null((await bob.FindAsync(first.Long("message"))).LongOrNull("inReplyTo"));

        // The reply's document names its parent.
        string raw = (await alice.GetAsync($"api/messages/{received.Long("id")}/raw")).AssertStatus(200).Text;
        Assert.Contains("In-Reply-To: " + (await alice.PeekAsync(first.Long("id"))).Str("messageId"), raw, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Reply_ToUnknownId_404AndNothingSent()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var bob = await WebUser.NewAsync(_server, "bob");

        (await alice.PostAsync("api/messages", new { to = new[] { bob.User }, subject = "Re: ?", body = "x", replyTo = 987_654_321 })).AssertProblem(404, "no-such-message");

        Assert.Equal(0, (await alice.FolderAsync("Sent")).Long("total"));
        Assert.Equal(0, (await bob.FolderAsync("Inbox")).Long("total"));
    }

    [Fact]
    public async Task Bcc_VisibleOnlyInSendersCopy()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var bob = await WebUser.NewAsync(_server, "bob");
        using var carol = await WebUser.NewAsync(_server, "carol");
        using var dave = await WebUser.NewAsync(_server, "dave");

        var sent = (await alice.PostAsync("api/messages", new { to = new[] { bob.User }, cc = new[] { dave.User }, bcc = new[] { carol.User }, subject = "secret copy", body = "x" })).AssertStatus(201).Json;

        var own = await alice.PeekAsync(sent.Long("id"));
        Assert.Equal([carol.User], own.Strings("bcc"));
        Assert.Equal([dave.User], own.Strings("cc"));
        foreach (var recipient in new[] { bob, carol, dave })
        {
            var copy = await recipient.FindAsync(sent.Long("message"));
            Assert.Empty(copy.Strings("bcc"));
            Assert.Equal([bob.User], copy.Strings("to"));
            Assert.Equal([dave.User], copy.Strings("cc"));
            Assert.Empty((await recipient.PeekAsync(copy.Long("id"))).Strings("bcc"));
        }
    }

    [Fact]
    public async Task Bcc_NotInTheRawDocumentOfRecipientsCopies()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var bob = await WebUser.NewAsync(_server, "bob");
        using var carol = await WebUser.NewAsync(_server, "hiddencarol");

        var sent = (await alice.PostAsync("api/messages", new { to = new[] { bob.User }, bcc = new[] { carol.User }, subject = "secret copy", body = "x" })).AssertStatus(201).Json;

        long bobsId = (await bob.FindAsync(sent.Long("message"))).Long("id");
        string raw = (await bob.GetAsync($"api/messages/{bobsId}/raw")).AssertStatus(200).Text;
        Assert.DoesNotContain(carol.User, raw, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Recipients_AreCaseInsensitive_AndDuplicatesDeliveredOnce()
    {
        using var alice = await WebUser.NewAsync(_server, "alice");
        using var bob = await WebUser.NewAsync(_server, "bob");

        var sent = (await alice.PostAsync("api/messages", new { to = new[] { bob.User.ToUpperInvariant(), bob.User }, cc = new[] { bob.User }, subject = "once", body = "x" })).AssertStatus(201).Json;

        var inbox = await bob.ListAsync();
        Assert.Equal(sent.Long("message"), Assert.Single(inbox.Items()).Long("message"));
    }
}
