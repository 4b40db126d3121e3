using Carteiro.Chat.Tests.Support;
using Carteiro.Chat.ViewModels;

namespace Carteiro.Chat.Tests.ViewModels;

public sealed class MessageRowTests
{
    private static readonly DateTimeOffset SameDay = new(2026, 11, 25, 18, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Unread_IsMarkedN()
    {
        string row = MessageRow.Format(Mail.Summary(), "ann", SameDay);

        Assert.StartsWith("N  ", row, StringComparison.Ordinal);
        Assert.Contains("bob", row, StringComparison.Ordinal);
        Assert.Contains("Hello — snippet", row, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadFlaggedWithAttachment_ShowsItsMarks()
    {
        string row = MessageRow.Format(Mail.Summary(flags: ["seen", "flagged"], attachments: 1), "ann", SameDay);

        Assert.StartsWith(" !@ ", row, StringComparison.Ordinal);
    }

    [Fact]
    public void SentMail_ShowsWhoItWentTo()
    {
        string row = MessageRow.Format(Mail.Summary(from: "ann", to: ["bob"], folder: "Sent", flags: ["seen"]), "ann", SameDay);

        Assert.Contains("to bob", row, StringComparison.Ordinal);
    }

    [Fact]
    public void OlderMail_ShowsTheDayInsteadOfTheTime()
    {
        string row = MessageRow.Format(Mail.Summary(), "ann", SameDay.AddDays(3));

        Assert.Contains("Nov 25", row, StringComparison.Ordinal);
    }
}
