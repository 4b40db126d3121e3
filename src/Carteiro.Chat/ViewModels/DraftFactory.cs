using System.Globalization;
using System.Text;
using Carteiro.Client;

namespace Carteiro.Chat.ViewModels;

/// <summary>Makes drafts for reply, reply-all, forward and a message to everyone, as mail clients do.</summary>
internal static class DraftFactory
{
    public static Draft New(string to = "") => new() { To = to };

    public static Draft ToEveryone() => new() { ToEveryone = true, Kind = "Message to everyone" };

    /// <summary>Answers the sender (or, for your own sent mail, its recipients), quoting the body.</summary>
    public static Draft Reply(MailMessage message, string me)
    {
        var summary = message.Summary;
        IReadOnlyList<string> to = IsMe(summary.From, me) ? summary.To : [summary.From];
        return new Draft
        {
            To = string.Join(", ", to),
            Subject = Prefixed("Re: ", summary.Subject),
            Body = Quote(message),
            ReplyTo = summary.Id,
            Kind = "Reply",
        };
    }

    /// <summary>Answers the sender and every other recipient, except yourself.</summary>
    public static Draft ReplyAll(MailMessage message, string me)
    {
        var summary = message.Summary;
        var to = new List<string>();
        foreach (string name in summary.To.Prepend(summary.From))
        {
            if (!IsMe(name, me) && !to.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                to.Add(name);
            }
        }

        var cc = summary.Cc.Where(name => !IsMe(name, me) && !to.Contains(name, StringComparer.OrdinalIgnoreCase)).ToList();
        if (to.Count == 0)
        {
            // Replying to all on a message only you were part of: answer yourself.
            to.Add(me);
        }

        return new Draft
        {
            To = string.Join(", ", to),
            Cc = string.Join(", ", cc),
            Subject = Prefixed("Re: ", summary.Subject),
            Body = Quote(message),
            ReplyTo = summary.Id,
            Kind = "Reply to all",
        };
    }

    /// <summary>Forwards the message with its header block and its attachments.</summary>
    public static Draft Forward(MailMessage message)
    {
        var summary = message.Summary;
        var body = new StringBuilder();
        body.Append("\n\n---------- Forwarded message ----------\n");
        body.Append(CultureInfo.InvariantCulture, $"From: {summary.From}\n");
        body.Append(CultureInfo.InvariantCulture, $"Date: {summary.Date:yyyy-MM-dd HH:mm zzz}\n");
        body.Append(CultureInfo.InvariantCulture, $"Subject: {summary.Subject}\n");
        body.Append(CultureInfo.InvariantCulture, $"To: {string.Join(", ", summary.To)}\n\n");
        body.Append(message.Body);
        return new Draft
        {
            Subject = Prefixed("Fwd: ", summary.Subject),
            Body = body.ToString(),
            Carried = [.. message.Attachments.Where(a => a.Content is not null).Select(a => new OutgoingAttachment(a.Name, a.ContentType, a.Content))],
            Kind = "Forward",
        };
    }

    private static bool IsMe(string name, string me) => string.Equals(name, me, StringComparison.OrdinalIgnoreCase);

    private static string Prefixed(string prefix, string subject) =>
        subject.StartsWith(prefix.Trim(), StringComparison.OrdinalIgnoreCase) ? subject : prefix + subject;

    private static string Quote(MailMessage message)
    {
        var quoted = new StringBuilder();
        quoted.Append(CultureInfo.InvariantCulture, $"\n\nOn {message.Summary.Date:yyyy-MM-dd HH:mm}, {message.Summary.From} wrote:\n");
        foreach (string line in message.Body.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n'))
        {
            quoted.Append(line.Length == 0 ? ">" : "> " + line).Append('\n');
        }

        return quoted.ToString();
    }
}
