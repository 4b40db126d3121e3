using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Carteiro.Client;

namespace Carteiro.Cli.Client;

/// <summary>How client commands print: compact lines for people, JSON for scripts.</summary>
internal static class Output
{
    public static void Json<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        Console.WriteLine(JsonSerializer.Serialize(value, type));

    public static CliJson Types => CliJson.Default;

    /// <summary>One line per message: id, flags, from/to, subject, date.</summary>
    public static void List(IReadOnlyList<MailSummary> items, bool showRecipients)
    {
        foreach (var item in items)
        {
            string marks = (item.Seen ? " " : "N") + (item.Flagged ? "!" : " ") + (item.AttachmentCount > 0 ? "@" : " ");
            string who = showRecipients ? "to " + (item.Everyone ? "everyone" : string.Join(",", item.To.Concat(item.Cc))) : item.From;
            string subject = item.Subject.Length == 0 ? "(no subject)" : item.Subject;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{item.Id,8} {marks} {Fit(who, 20),-20} {Fit(subject, 40),-40} {item.Date.ToLocalTime():yyyy-MM-dd HH:mm}"));
        }
    }

    public static void Message(MailMessage message)
    {
        var s = message.Summary;
        Console.WriteLine($"From:    {s.From}");
        Console.WriteLine($"To:      {(s.Everyone ? "everyone" : string.Join(", ", s.To))}");
        if (s.Cc.Count > 0)
        {
            Console.WriteLine($"Cc:      {string.Join(", ", s.Cc)}");
        }

        if (s.Bcc.Count > 0)
        {
            Console.WriteLine($"Bcc:     {string.Join(", ", s.Bcc)}");
        }

        Console.WriteLine($"Date:    {s.Date.ToLocalTime().ToString("ddd, d MMM yyyy HH:mm", CultureInfo.InvariantCulture)}");
        Console.WriteLine($"Subject: {s.Subject}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Id:      {s.Id} in {s.Folder}{(s.InReplyTo is null ? "" : $", thread {s.ThreadId}")}"));
        foreach (var attachment in message.Attachments)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Attach:  {attachment.Name} ({attachment.ContentType}, {attachment.Size} bytes)"));
        }

        Console.WriteLine();
        Console.WriteLine(message.Body);
    }

    private static string Fit(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";
}

/// <summary>JSON shapes the CLI prints with <c>--json</c>.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = false)]
[JsonSerializable(typeof(MailSummary))]
[JsonSerializable(typeof(IReadOnlyList<MailSummary>))]
[JsonSerializable(typeof(MailPage))]
[JsonSerializable(typeof(MailMessage))]
[JsonSerializable(typeof(SendResult))]
[JsonSerializable(typeof(IReadOnlyList<FolderView>))]
[JsonSerializable(typeof(IReadOnlyList<OnlineUser>))]
[JsonSerializable(typeof(DeleteResult))]
[JsonSerializable(typeof(SessionInfo))]
[JsonSerializable(typeof(WatchLine))]
internal sealed partial class CliJson : JsonSerializerContext;

/// <summary>One line of <c>carteiro watch --json</c>.</summary>
internal sealed record WatchLine(string Event, MailSummary? Message = null, string? User = null, bool? Online = null, long? Id = null, string? Reason = null);
