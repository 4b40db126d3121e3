using Carteiro.Chat.Tests.Support;
using Carteiro.Chat.ViewModels;
using Carteiro.Client;
using Carteiro.TestKit;

namespace Carteiro.Chat.Tests.ViewModels;

/// <summary>Sending drafts, and what happens to a draft when a send fails.</summary>
[Collection(ChatServerCollection.Name)]
public sealed class ComposeViewModelTests(ChatServerFixture fixture)
{
    private TestServer Server => fixture.Server;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Send_ReachesEveryRecipient_WithTheAttachmentFromItsPath()
    {
        string me = await Users.CreateAsync(Server, "ann");
        string bob = await Users.CreateAsync(Server, "bob");
        string carol = await Users.CreateAsync(Server, "carol");
        string dave = await Users.CreateAsync(Server, "dave");
        string folder = TempFolder.Create("chat-attach");
        string file = Path.Combine(folder, "notes.txt");
        await File.WriteAllTextAsync(file, "attached words", Ct);
        await using var author = await Users.SignInAsync(Server, me);
        var draft = new Draft { To = bob, Cc = carol, Bcc = dave, Subject = "Plan", Body = "Line one\nLine two", Attachments = file };

        bool sent = await new ComposeViewModel(author, draft).SendAsync(Ct);

        Assert.True(sent);
        foreach (string user in new[] { bob, carol, dave })
        {
            await using var reader = await Users.SignInAsync(Server, user);
            var inbox = await reader.ListAsync(cancellationToken: Ct);
            var message = await reader.ReadAsync(Assert.Single(inbox.Items).Id, attachments: true, cancellationToken: Ct);
            Assert.Equal("Plan", message.Summary.Subject);
            Assert.Equal("Line one\nLine two", message.Body.ReplaceLineEndings("\n"));
            var attachment = Assert.Single(message.Attachments);
            Assert.Equal(("notes.txt", "text/plain", "attached words"), (attachment.Name, attachment.ContentType, System.Text.Encoding.UTF8.GetString(attachment.Content!)));
        }

        TempFolder.Delete(folder);
    }

    [Fact]
    public async Task UnknownRecipient_KeepsTheDraftAndNamesWho()
    {
        string me = await Users.CreateAsync(Server, "ann");
        await using var author = await Users.SignInAsync(Server, me);
        var draft = new Draft { To = "nobody-here", Subject = "Hello", Body = "typed with care" };
        var compose = new ComposeViewModel(author, draft);

        Assert.False(await compose.SendAsync(Ct));

        Assert.Contains("nobody-here", compose.Error, StringComparison.Ordinal);
        Assert.Equal("typed with care", compose.Draft.Body);
        Assert.Same(draft, compose.Draft);
    }

    [Fact]
    public async Task NoRecipient_IsRefusedBeforeAnythingIsSent()
    {
        string me = await Users.CreateAsync(Server, "ann");
        await using var author = await Users.SignInAsync(Server, me);
        var compose = new ComposeViewModel(author, new Draft { Subject = "to whom?" });

        Assert.False(await compose.SendAsync(Ct));

        Assert.Equal("add a recipient in To, Cc or Bcc", compose.Error);
        Assert.Equal(0, (await author.ListAsync("Sent", cancellationToken: Ct)).Total);
    }

    [Fact]
    public async Task MalformedName_IsRefusedBeforeAnythingIsSent()
    {
        string me = await Users.CreateAsync(Server, "ann");
        await using var author = await Users.SignInAsync(Server, me);
        var compose = new ComposeViewModel(author, new Draft { To = "(bob)" });

        Assert.False(await compose.SendAsync(Ct));

        Assert.Equal("not a user name: (bob)", compose.Error);
    }

    [Fact]
    public async Task MissingAttachment_KeepsTheDraft()
    {
        string me = await Users.CreateAsync(Server, "ann");
        string bob = await Users.CreateAsync(Server, "bob");
        await using var author = await Users.SignInAsync(Server, me);
        var compose = new ComposeViewModel(author, new Draft { To = bob, Attachments = "/no/such/file.pdf" });

        Assert.False(await compose.SendAsync(Ct));

        Assert.Equal("no such file to attach: /no/such/file.pdf", compose.Error);
    }

    [Fact]
    public async Task Reply_IsThreadedUnderTheOriginal()
    {
        string me = await Users.CreateAsync(Server, "ann");
        string bob = await Users.CreateAsync(Server, "bob");
        await Users.SendAsync(Server, bob, new OutgoingMail { To = [me], Subject = "Question", Body = "Is it done?" });
        await using var author = await Users.SignInAsync(Server, me);
        var original = await author.ReadAsync((await author.ListAsync(cancellationToken: Ct)).Items[0].Id, cancellationToken: Ct);
        var draft = DraftFactory.Reply(original, me);
        draft.Body = "Yes." + draft.Body;

        Assert.True(await new ComposeViewModel(author, draft).SendAsync(Ct));

        await using var reader = await Users.SignInAsync(Server, bob);
        var reply = Assert.Single((await reader.ListAsync(cancellationToken: Ct)).Items);
        Assert.Equal("Re: Question", reply.Subject);
        Assert.NotNull(reply.InReplyTo);
        Assert.Equal((await reader.ListAsync("Sent", cancellationToken: Ct)).Items[0].ThreadId, reply.ThreadId);
    }

    [Fact]
    public async Task ToEveryone_ReachesEveryAccount()
    {
        string me = await Users.CreateAsync(Server, "ann");
        string bob = await Users.CreateAsync(Server, "bob");
        await using var author = await Users.SignInAsync(Server, me);
        var draft = DraftFactory.ToEveryone();
        draft.Subject = "Server restarts at 18:00";

        Assert.True(await new ComposeViewModel(author, draft).SendAsync(Ct));

        await using var reader = await Users.SignInAsync(Server, bob);
        var mail = Assert.Single((await reader.ListAsync(cancellationToken: Ct)).Items);
        Assert.True(mail.Everyone);
        Assert.Equal("Server restarts at 18:00", mail.Subject);
    }

    [Fact]
    public async Task SendingTheSameDraftTwice_StoresItOnce()
    {
        // A send whose answer was lost with the connection is sent again with the same client id.
        string me = await Users.CreateAsync(Server, "ann");
        string bob = await Users.CreateAsync(Server, "bob");
        await using var author = await Users.SignInAsync(Server, me);
        var draft = new Draft { To = bob, Subject = "once" };

        Assert.True(await new ComposeViewModel(author, draft).SendAsync(Ct));
        Assert.True(await new ComposeViewModel(author, draft).SendAsync(Ct));

        await using var reader = await Users.SignInAsync(Server, bob);
        Assert.Single((await reader.ListAsync(cancellationToken: Ct)).Items);
    }

    [Fact]
    public async Task Completion_FillsAUniqueNameAndListsSeveral()
    {
        string prefix = UniqueName.Of("zq") + "x";
        await Server.CreateUserAsync(prefix + "alpha");
        await Server.CreateUserAsync(prefix + "beta1");
        await Server.CreateUserAsync(prefix + "beta2");
        string me = await Users.CreateAsync(Server, "ann");
        await using var client = await Users.SignInAsync(Server, me);
        var completer = new RecipientCompleter(client);

        var unique = await completer.CompleteAsync($"{me}, {prefix}a", Ct);
        Assert.Equal($"{me}, {prefix}alpha, ", unique.Text);

        var several = await completer.CompleteAsync(prefix + "b", Ct);
        Assert.Equal(prefix + "beta", several.Text);
        Assert.Equal([prefix + "beta1", prefix + "beta2"], several.Candidates);

        var none = await completer.CompleteAsync(prefix + "zzz", Ct);
        Assert.Equal(prefix + "zzz", none.Text);
        Assert.Empty(none.Candidates);
    }
}
