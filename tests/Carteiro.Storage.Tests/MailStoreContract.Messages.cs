using Carteiro.Core.Mailboxes;
using Carteiro.Core.Messages;

namespace Carteiro.Storage.Tests;

public abstract partial class MailStoreContract
{
    [Fact]
    public async Task ATextThatIsTheDocumentsTail_ReadsBackExactly_WithItsSnippet_AndIsFound()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        const string header = "From: alice@example.org\r\nSubject: tail\r\n\r\n";
        const string content = "  Olá Bob,\r\n\r\nthe zeppelin lands at noon. ☕\r\n";
        byte[] document = System.Text.Encoding.UTF8.GetBytes(header + content);

        await SendAsync(Mail(alice, to: ["bob"], subject: "tail", mime: document) with { Body = MessageText.InDocument(header.Length) });

        const string text = "  Olá Bob,\n\nthe zeppelin lands at noon. ☕\n";
        var entry = Assert.Single(await ListAsync(bob));
        Assert.Equal(Snippet.Of(text), entry.Snippet);
        Assert.Equal(text, (await Store.GetAsync(bob.Id, entry.Id, Ct))!.Body);
        Assert.Equal(document, await Store.GetMimeAsync(bob.Id, entry.Id, Ct));
        Assert.Equal(entry.Id, Assert.Single(await SearchAsync(bob, "zeppelin")).Id);
    }

    [Fact]
    public async Task Get_ReturnsBodyAttachmentsAndMessageIdHeader()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        const string body = "Olá Bob,\r\n\r\nsegue o relatório. ☕";
        var composed = MimeComposer.Compose("alice", new Draft
        {
            To = ["bob"],
            Subject = "Relatório",
            Body = body,
            Attachments =
            [
                new Attachment("a.txt", "text/plain", "abc"u8.ToArray()),
                new Attachment("relatório.pdf", "application/pdf", new byte[1234]),
            ],
        }, "example.org", Start, null);
        await SendAsync(Mail(alice, to: ["bob"], subject: "Relatório", body: body, attachments: composed.Attachments,
            mime: composed.Bytes, messageIdHeader: composed.MessageIdHeader));
        var entry = Assert.Single(await ListAsync(bob));

        var detail = await Store.GetAsync(bob.Id, entry.Id, Ct);

        Assert.NotNull(detail);
        Assert.Equal(body, detail.Body);
        Assert.Equal([new AttachmentInfo("a.txt", "text/plain", 3), new AttachmentInfo("relatório.pdf", "application/pdf", 1234)], detail.Attachments);
        Assert.Equal(composed.MessageIdHeader, detail.MessageIdHeader);
        Assert.Equal(State(entry), State(detail.Summary));
        Assert.Equal(2, detail.Summary.AttachmentCount);
        Assert.Equal(composed.Bytes.Length, detail.Summary.Size);
        Assert.Equal(Snippet.Of(body), detail.Summary.Snippet);
        Assert.Equal("Relatório", detail.Summary.Subject);
    }

    [Fact]
    public async Task Get_WithoutAttachments_ListsNone()
    {
        var alice = await AccountAsync("alice");
        await AccountAsync("bob");
        var outcome = await SendAsync(Mail(alice, to: ["bob"], body: ""));

        var detail = await Store.GetAsync(alice.Id, outcome.SentId, Ct);

        Assert.NotNull(detail);
        Assert.Empty(detail.Attachments);
        Assert.Equal("", detail.Body);
        Assert.Equal(0, detail.Summary.AttachmentCount);
    }

    [Fact]
    public async Task Get_UnknownId_ReturnsNull()
    {
        var alice = await AccountAsync("alice");

        Assert.Null(await Store.GetAsync(alice.Id, 424242, Ct));
        Assert.Null(await Store.GetMimeAsync(alice.Id, 424242, Ct));
    }

    [Fact]
    public async Task GetMime_ReturnsTheBytesGiven()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        byte[] mime = [.. Enumerable.Range(0, 70_000).Select(i => (byte)(i * 31))];
        var outcome = await SendAsync(Mail(alice, to: ["bob"], mime: mime));
        var entry = Assert.Single(await ListAsync(bob));

        Assert.Equal(mime, await Store.GetMimeAsync(bob.Id, entry.Id, Ct));
        Assert.Equal(mime, await Store.GetMimeAsync(alice.Id, outcome.SentId, Ct));
        Assert.Equal(mime.Length, entry.Size);
    }

    [Fact]
    public async Task SetFlags_AddsAndRemoves()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        await SendAsync(Mail(alice, to: ["bob"]));
        var entry = Assert.Single(await ListAsync(bob));

        var added = await Store.SetFlagsAsync(bob.Id, entry.Id, MessageFlags.Seen | MessageFlags.Flagged, MessageFlags.None, Ct);
        Assert.Equal(MessageFlags.Seen | MessageFlags.Flagged, added!.Flags);

        var removed = await Store.SetFlagsAsync(bob.Id, entry.Id, MessageFlags.Answered, MessageFlags.Seen, Ct);
        Assert.Equal(MessageFlags.Flagged | MessageFlags.Answered, removed!.Flags);
        Assert.Equal((entry.Id, entry.Folder, entry.Uid), (removed.Id, removed.Folder, removed.Uid));
        Assert.Equal(MessageFlags.Flagged | MessageFlags.Answered, Assert.Single(await ListAsync(bob)).Flags);
    }

    [Fact]
    public async Task SetFlags_OnlyChangesThatEntry()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        var carol = await AccountAsync("carol");
        var outcome = await SendAsync(Mail(alice, to: ["bob", "carol"]));
        var bobs = Assert.Single(await ListAsync(bob));

        await Store.SetFlagsAsync(bob.Id, bobs.Id, MessageFlags.Seen | MessageFlags.Flagged, MessageFlags.None, Ct);

        Assert.Equal(MessageFlags.None, Assert.Single(await ListAsync(carol)).Flags);
        Assert.Equal(MessageFlags.Seen, (await EntryAsync(alice, outcome.SentId)).Flags);
    }

    [Fact]
    public async Task SetFlags_NoChange_KeepsTheModSeq()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        await SendAsync(Mail(alice, to: ["bob"]));
        var entry = Assert.Single(await ListAsync(bob));
        await Store.SetFlagsAsync(bob.Id, entry.Id, MessageFlags.Seen, MessageFlags.None, Ct);
        var before = await FolderAsync(bob);
        var beforeEntry = await EntryAsync(bob, entry.Id);

        var same = await Store.SetFlagsAsync(bob.Id, entry.Id, MessageFlags.Seen, MessageFlags.Flagged, Ct);

        Assert.NotNull(same);
        Assert.Equal(State(beforeEntry), State(same));
        Assert.Equal(before, await FolderAsync(bob));
    }

    [Fact]
    public async Task SetFlags_UnknownId_ReturnsNull()
    {
        var bob = await AccountAsync("bob");

        Assert.Null(await Store.SetFlagsAsync(bob.Id, 424242, MessageFlags.Seen, MessageFlags.None, Ct));
    }

    [Fact]
    public async Task Move_UnknownId_ReturnsNull()
    {
        var bob = await AccountAsync("bob");

        Assert.Null(await Store.MoveAsync(bob.Id, 424242, FolderNames.Trash, Ct));
    }

    [Fact]
    public async Task Delete_RemovesTheEntry()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        await SendAsync(Mail(alice, to: ["bob"]));
        await SendAsync(Mail(alice, to: ["bob"]));
        var entry = (await ListAsync(bob))[1];

        var deleted = await Store.DeleteAsync(bob.Id, entry.Id, Ct);

        Assert.NotNull(deleted);
        Assert.Equal(State(entry), State(deleted));
        Assert.Null(await Store.GetAsync(bob.Id, entry.Id, Ct));
        Assert.Null(await Store.GetMimeAsync(bob.Id, entry.Id, Ct));
        Assert.DoesNotContain(entry.Id, (await ListAsync(bob)).Select(e => e.Id));
        Assert.Null(await Store.DeleteAsync(bob.Id, entry.Id, Ct));
        Assert.Equal(3, (await FolderAsync(bob)).UidNext);
    }

    [Fact]
    public async Task Delete_LastEntryOfAMessage_RemovesTheMessage()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        var outcome = await SendAsync(Mail(alice, to: ["bob"], body: "zanzibar"));
        await SendAsync(Mail(alice, to: ["bob"], body: "other"));
        var entry = (await ListAsync(bob)).Single(e => e.MessageId == outcome.MessageId);

        await Store.DeleteAsync(bob.Id, entry.Id, Ct);
        await Store.DeleteAsync(alice.Id, outcome.SentId, Ct);

        Assert.Empty(await SearchAsync(alice, "zanzibar"));
        Assert.Empty(await SearchAsync(bob, "zanzibar"));
        Assert.Null(await Store.GetMimeAsync(alice.Id, outcome.SentId, Ct));
        Assert.Single(await SearchAsync(bob, "other"));
    }

    [Fact]
    public async Task Delete_EntryAnotherAccountStillHas_KeepsTheMessage()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        var message = Mail(alice, to: ["bob"], body: "zanzibar");
        var outcome = await SendAsync(message);
        var entry = Assert.Single(await ListAsync(bob));

        await Store.DeleteAsync(bob.Id, entry.Id, Ct);

        Assert.Equal("zanzibar", (await Store.GetAsync(alice.Id, outcome.SentId, Ct))!.Body);
        Assert.Equal(message.Mime.ToArray(), await Store.GetMimeAsync(alice.Id, outcome.SentId, Ct));
        Assert.Equal(outcome.SentId, Assert.Single(await SearchAsync(alice, "zanzibar")).Id);
        Assert.Empty(await SearchAsync(bob, "zanzibar"));
    }
}
