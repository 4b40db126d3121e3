using Carteiro.Protocols.Imap;

namespace Carteiro.Protocols.Tests.Imap;

public sealed class MailboxNamesTests
{
    [Theory]
    [InlineData("Projetos ação", "Projetos a&AOcA4w-o")]
    [InlineData("Tom & Jerry", "Tom &- Jerry")]
    [InlineData("日本語", "&ZeVnLIqe-")]
    [InlineData("plain/ascii", "plain/ascii")]
    public void ModifiedUtf7_RoundTrips(string name, string encoded)
    {
        Assert.Equal(encoded, MailboxNames.EncodeUtf7(name));
        Assert.Equal(name, MailboxNames.DecodeUtf7(encoded));
    }

    [Theory]
    [InlineData("INBOX", "Inbox")]
    [InlineData("inbox", "Inbox")]
    [InlineData("INBOX/Receipts", "Inbox/Receipts")]
    [InlineData("Sent", "Sent")]
    public void Inbox_IsNamedWithoutRegardToCase(string mailbox, string folder) => Assert.Equal(folder, MailboxNames.ToFolder(mailbox));

    [Theory]
    [InlineData("*", "a/b/c", true)]
    [InlineData("%", "a/b", false)]
    [InlineData("a/%", "a/b", true)]
    [InlineData("a/%", "a/b/c", false)]
    [InlineData("a*", "a/b/c", true)]
    [InlineData("inbox", "INBOX", true)]
    [InlineData("sent", "Sent", false)]
    public void Patterns_MatchAsRfc3501Says(string pattern, string mailbox, bool matches) =>
        Assert.Equal(matches, MailboxNames.Matches(pattern, mailbox));
}
