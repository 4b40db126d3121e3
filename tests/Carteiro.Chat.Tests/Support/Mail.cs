using Carteiro.Client;

namespace Carteiro.Chat.Tests.Support;

/// <summary>Messages made up for tests that need no server.</summary>
internal static class Mail
{
    public static MailSummary Summary(string from = "bob", string[]? to = null, string[]? cc = null, string subject = "Hello",
        string folder = "Inbox", string[]? flags = null, long id = 1, long uid = 1, int attachments = 0, bool everyone = false) =>
        new(id, folder, uid, id, id, null, from, to ?? ["ann"], cc ?? [], [], everyone, subject,
            new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero), 100, flags ?? [], "snippet", attachments, 1);

    public static MailMessage Message(MailSummary summary, string body = "Body line\nSecond line", params MailAttachment[] attachments) =>
        new(summary, body, "<1@localhost>", attachments);
}
