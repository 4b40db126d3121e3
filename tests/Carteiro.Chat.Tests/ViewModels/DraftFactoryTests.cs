using Carteiro.Chat.Tests.Support;
using Carteiro.Chat.ViewModels;
using Carteiro.Client;

namespace Carteiro.Chat.Tests.ViewModels;

public sealed class DraftFactoryTests
{
    [Fact]
    public void Reply_AnswersTheSenderWithReAndTheQuotedBody()
    {
        var message = Mail.Message(Mail.Summary(from: "bob", to: ["ann", "carol"], subject: "Lunch?", id: 7));

        var draft = DraftFactory.Reply(message, "ann");

        Assert.Equal("bob", draft.To);
        Assert.Equal("", draft.Cc);
        Assert.Equal("Re: Lunch?", draft.Subject);
        Assert.Equal(7, draft.ReplyTo);
        Assert.Contains("bob wrote:\n> Body line\n> Second line\n", draft.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Reply_ToYourOwnSentMail_AnswersItsRecipients()
    {
        var message = Mail.Message(Mail.Summary(from: "ann", to: ["bob", "carol"], folder: "Sent"));

        Assert.Equal("bob, carol", DraftFactory.Reply(message, "ANN").To);
    }

    [Fact]
    public void Reply_DoesNotStackRe()
    {
        var message = Mail.Message(Mail.Summary(subject: "RE: Lunch?"));

        Assert.Equal("RE: Lunch?", DraftFactory.Reply(message, "ann").Subject);
    }

    [Fact]
    public void ReplyAll_AnswersEveryoneButYou_OnceEach()
    {
        var message = Mail.Message(Mail.Summary(from: "bob", to: ["ann", "carol", "Bob"], cc: ["dave", "ann", "carol"]));

        var draft = DraftFactory.ReplyAll(message, "ann");

        Assert.Equal("bob, carol", draft.To);
        Assert.Equal("dave", draft.Cc);
    }

    [Fact]
    public void Forward_CarriesTheHeaderBodyAndAttachments()
    {
        var attachment = new MailAttachment("a.txt", "text/plain", 3, "abc"u8.ToArray());
        var message = Mail.Message(Mail.Summary(from: "bob", subject: "Report"), "The report.", attachment);

        var draft = DraftFactory.Forward(message);

        Assert.Equal("", draft.To);
        Assert.Equal("Fwd: Report", draft.Subject);
        Assert.Contains("---------- Forwarded message ----------\nFrom: bob\n", draft.Body, StringComparison.Ordinal);
        Assert.EndsWith("The report.", draft.Body, StringComparison.Ordinal);
        Assert.Equal("a.txt", Assert.Single(draft.Carried).FileName);
        Assert.Null(draft.ReplyTo);
    }

    [Fact]
    public void Names_AcceptCommasSemicolonsAndSpaces()
    {
        Assert.Equal(["bob", "carol", "dave", "erin"], Draft.Names(" bob, carol;dave  erin,"));
    }

    [Fact]
    public void Paths_KeepSpacesInsideAPath()
    {
        Assert.Equal(["/tmp/my file.txt", "b.pdf"], Draft.Paths("/tmp/my file.txt, b.pdf"));
    }

    [Fact]
    public void Blank_UntilSomethingIsTyped()
    {
        var draft = DraftFactory.New();
        Assert.True(draft.IsBlank);

        draft.Body = "x";
        Assert.False(draft.IsBlank);
    }
}
