using System.Globalization;
using Carteiro.Client;

namespace Carteiro.Chat.ViewModels;

/// <summary>
/// One line of the message list, mutt-style: flags, date, correspondent, subject and snippet.
/// Flags: <c>N</c> unread, <c>!</c> flagged, <c>r</c> answered, <c>@</c> attachments, <c>*</c> to everyone.
/// </summary>
internal static class MessageRow
{
    public static string Format(MailSummary summary, string me, DateTimeOffset now)
    {
        char unread = summary.Seen ? ' ' : 'N';
        char flagged = summary.Flagged ? '!' : summary.Answered ? 'r' : ' ';
        char extra = summary.AttachmentCount > 0 ? '@' : summary.Everyone ? '*' : ' ';
        var local = summary.Date.ToLocalTime();
        string date = local.Date == now.ToLocalTime().Date
            ? local.ToString("HH:mm", CultureInfo.InvariantCulture)
            : local.ToString("MMM dd", CultureInfo.InvariantCulture);

        // In your own sent mail the interesting name is who it went to.
        string who = string.Equals(summary.From, me, StringComparison.OrdinalIgnoreCase) && summary.Folder == "Sent"
            ? "to " + (summary.Everyone ? "everyone" : string.Join(",", summary.To))
            : summary.From;
        string subject = summary.Subject.Length == 0 ? "(no subject)" : summary.Subject;
        string snippet = summary.Snippet.ReplaceLineEndings(" ");
        return $"{unread}{flagged}{extra} {date,-6} {Fit(who, 14)} {subject}{(snippet.Length > 0 ? " — " + snippet : "")}";
    }

    private static string Fit(string text, int width) =>
        text.Length > width ? text[..(width - 1)] + "…" : text.PadRight(width);
}
