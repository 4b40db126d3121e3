using Carteiro.Chat.Tests.Support;
using Carteiro.Client;
using Carteiro.TestKit;

namespace Carteiro.Chat.Tests.ViewModels;

/// <summary>The main screen's state and actions against a real server.</summary>
[Collection(ChatServerCollection.Name)]
public sealed class MailboxViewModelTests(ChatServerFixture fixture)
{
    private TestServer Server => fixture.Server;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Start_ShowsInboxNewestFirstWithUnreadCount()
    {
        string me = await Users.CreateAsync(Server, "ann");
        string bob = await Users.CreateAsync(Server, "bob");
        await Users.SendAsync(Server, bob, new OutgoingMail { To = [me], Subject = "first", Body = "1" });
        await Users.SendAsync(Server, bob, new OutgoingMail { To = [me], Subject = "second", Body = "2" });

        await using var chat = await ChatHarness.StartAsync(Server, me);

        Assert.Equal(["second", "first"], await chat.GetAsync(m => m.Messages.Items.Select(s => s.Subject).ToList()));
        Assert.Equal("Inbox (2)", await chat.GetAsync(m => FolderLabel(m, "Inbox")));
        Assert.Equal($"signed in as {me}; ? for help", await chat.GetAsync(m => m.Notice));
    }

    [Fact]
    public async Task MailFromSomeoneElse_AppearsAtOnceWithNoticeAndUnreadCount()
    {
        string me = await Users.CreateAsync(Server, "ann");
        string bob = await Users.CreateAsync(Server, "bob");
        await using var chat = await ChatHarness.StartAsync(Server, me);

        await Users.SendAsync(Server, bob, new OutgoingMail { To = [me], Subject = "Lunch?", Body = "noon" });

        await chat.WaitUntilAsync(m => m.Messages.Items.Any(s => s.Subject == "Lunch?"), "the new mail in the list");
        Assert.Equal($"New mail from {bob}: Lunch?", await chat.GetAsync(m => m.Notice));
        Assert.Equal("Inbox (1)", await chat.GetAsync(m => FolderLabel(m, "Inbox")));
        Assert.Equal(1, await chat.GetAsync(m => m.Messages.Total));
    }

    [Fact]
    public async Task OpenSelected_ShowsTheMessageAndMarksItRead()
    {
        string me = await Users.CreateAsync(Server, "ann");
        string bob = await Users.CreateAsync(Server, "bob");
        await Users.SendAsync(Server, bob, new OutgoingMail { To = [me], Subject = "Notes", Body = "line one\nline two" });
        await using var chat = await ChatHarness.StartAsync(Server, me);

        await chat.RunAsync(m => m.OpenSelectedAsync());

        string text = await chat.GetAsync(m => m.Reader.Text);
        Assert.Contains($"From:    {bob}", text, StringComparison.Ordinal);
        Assert.Contains("Subject: Notes", text, StringComparison.Ordinal);
        Assert.Contains("line one\nline two", text, StringComparison.Ordinal);
        await chat.WaitUntilAsync(m => m.Messages.Items[0].Seen && FolderLabel(m, "Inbox") == "Inbox", "the message marked read and the count down to 0");
    }

    [Fact]
    public async Task DeleteSelected_MovesItToTrash()
    {
        string me = await Users.CreateAsync(Server, "ann");
        string bob = await Users.CreateAsync(Server, "bob");
        await Users.SendAsync(Server, bob, new OutgoingMail { To = [me], Subject = "junk", Body = "x" });
        await using var chat = await ChatHarness.StartAsync(Server, me);

        await chat.RunAsync(m => m.DeleteSelectedAsync());

        Assert.Empty(await chat.GetAsync(m => m.Messages.Items));
        Assert.Equal("moved to Trash", await chat.GetAsync(m => m.Notice));
        var trash = await chat.Client.ListAsync("Trash", cancellationToken: Ct);
        Assert.Equal("junk", Assert.Single(trash.Items).Subject);
    }

    [Fact]
    public async Task ToggleUnread_MarksAReadMessageUnreadAgain()
    {
        string me = await Users.CreateAsync(Server, "ann");
        string bob = await Users.CreateAsync(Server, "bob");
        await Users.SendAsync(Server, bob, new OutgoingMail { To = [me], Subject = "again", Body = "x" });
        await using var chat = await ChatHarness.StartAsync(Server, me);
        await chat.RunAsync(m => m.OpenSelectedAsync());
        await chat.WaitUntilAsync(m => m.Messages.Items[0].Seen, "the message read");

        await chat.RunAsync(m => m.ToggleUnreadAsync());

        await chat.WaitUntilAsync(m => !m.Messages.Items[0].Seen && FolderLabel(m, "Inbox") == "Inbox (1)", "the message unread again");
        Assert.Equal("marked unread", await chat.GetAsync(m => m.Notice));
    }

    [Fact]
    public async Task ToggleFlag_FlagsAndUnflags()
    {
        string me = await Users.CreateAsync(Server, "ann");
        string bob = await Users.CreateAsync(Server, "bob");
        await Users.SendAsync(Server, bob, new OutgoingMail { To = [me], Subject = "important", Body = "x" });
        await using var chat = await ChatHarness.StartAsync(Server, me);

        await chat.RunAsync(m => m.ToggleFlagAsync());
        Assert.True(await chat.GetAsync(m => m.Messages.Items[0].Flagged));

        await chat.RunAsync(m => m.ToggleFlagAsync());
        Assert.False(await chat.GetAsync(m => m.Messages.Items[0].Flagged));
    }

    [Fact]
    public async Task MoveSelected_MakesTheFolderAndMovesTheMessage()
    {
        string me = await Users.CreateAsync(Server, "ann");
        string bob = await Users.CreateAsync(Server, "bob");
        await Users.SendAsync(Server, bob, new OutgoingMail { To = [me], Subject = "keep", Body = "x" });
        await using var chat = await ChatHarness.StartAsync(Server, me);

        await chat.RunAsync(m => m.MoveSelectedAsync("Archive"));

        Assert.Empty(await chat.GetAsync(m => m.Messages.Items));
        await chat.WaitUntilAsync(m => m.Folders.Folders.Any(f => f.Name == "Archive" && f.Total == 1), "Archive with the message");
        await chat.RunAsync(m => m.SelectFolderAsync("Archive"));
        Assert.Equal("keep", await chat.GetAsync(m => Assert.Single(m.Messages.Items).Subject));
    }

    [Fact]
    public async Task ScrollingNearTheEnd_LoadsTheNextPage()
    {
        string me = await Users.CreateAsync(Server, "ann");
        string bob = await Users.CreateAsync(Server, "bob");
        await using (var sender = await Users.SignInAsync(Server, bob))
        {
            await Task.WhenAll(Enumerable.Range(0, 60).Select(i => sender.SendAsync(new OutgoingMail { To = [me], Subject = $"m{i}", Body = "x" }, Ct)));
        }

        await using var chat = await ChatHarness.StartAsync(Server, me);
        Assert.Equal(50, await chat.GetAsync(m => m.Messages.Items.Count));
        Assert.False(await chat.Ui.RunAsync(() => chat.Mailbox.Messages.LoadMoreIfNeededAsync()));

        await chat.RunAsync(m =>
        {
            m.Messages.SelectedIndex = 46;
            return m.Messages.LoadMoreIfNeededAsync();
        });

        var items = await chat.GetAsync(m => m.Messages.Items.ToList());
        Assert.Equal(60, items.Count);
        Assert.Equal(60, items.Select(s => s.Id).Distinct().Count());
        Assert.True(items.Zip(items.Skip(1)).All(pair => pair.First.Uid > pair.Second.Uid), "newest first");
        Assert.False(await chat.GetAsync(m => m.Messages.HasMore));
    }

    [Fact]
    public async Task Search_FindsInEveryFolder_AndAnEmptySearchGoesBack()
    {
        string me = await Users.CreateAsync(Server, "ann");
        string bob = await Users.CreateAsync(Server, "bob");
        await Users.SendAsync(Server, bob, new OutgoingMail { To = [me], Subject = "Budget 2027", Body = "spreadsheet attached" });
        await Users.SendAsync(Server, bob, new OutgoingMail { To = [me], Subject = "Other", Body = "nothing" });
        await using var chat = await ChatHarness.StartAsync(Server, me);
        await chat.RunAsync(m => m.Client.SendAsync(new OutgoingMail { To = [bob], Subject = "Re: Budget", Body = "the spreadsheet is fine" }, Ct));

        await chat.RunAsync(m => m.SearchAsync("spreadsheet"));

        var found = await chat.GetAsync(m => m.Messages.Items.Select(s => (s.Folder, s.Subject)).ToList());
        Assert.Equal([("Sent", "Re: Budget"), ("Inbox", "Budget 2027")], found);
        Assert.StartsWith("Search \"spreadsheet\"", await chat.GetAsync(m => m.Messages.Title), StringComparison.Ordinal);

        await chat.RunAsync(m => m.SearchAsync(""));
        Assert.Equal(2, await chat.GetAsync(m => m.Messages.Items.Count));
        Assert.Null(await chat.GetAsync(m => m.Messages.Search));
    }

    [Fact]
    public async Task Presence_ShowsWhoComesAndGoes()
    {
        string me = await Users.CreateAsync(Server, "ann");
        string bob = await Users.CreateAsync(Server, "bob");
        await using var chat = await ChatHarness.StartAsync(Server, me);
        Assert.Contains(me, await chat.GetAsync(m => m.Presence.Online.ToList()));

        var other = await Users.SignInAsync(Server, bob);
        await chat.WaitUntilAsync(m => m.Presence.Online.Contains(bob), $"{bob} online");

        await other.LogoutAsync(Ct);
        await chat.WaitUntilAsync(m => !m.Presence.Online.Contains(bob), $"{bob} offline");
    }

    private static string FolderLabel(Carteiro.Chat.ViewModels.MailboxViewModel mailbox, string name) =>
        Carteiro.Chat.ViewModels.FolderListViewModel.Label(mailbox.Folders.Folders.First(f => f.Name == name));
}
