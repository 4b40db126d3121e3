using System.Globalization;
using System.Text;
using Carteiro.Client;

namespace Carteiro.Chat.ViewModels;

/// <summary>The message open in the reading pane: a header block, the body, the attachments.</summary>
internal sealed class ReadingPaneViewModel(CarteiroClient client)
{
    public MailMessage? Message { get; private set; }

    public string Text { get; private set; } = "";

    public event Action? Changed;

    /// <summary>Reads the message (which marks it seen) with its attachments, so forward can carry them.</summary>
    public async Task<MailMessage> OpenAsync(long id, CancellationToken cancellationToken = default)
    {
        var message = await client.ReadAsync(id, attachments: true, cancellationToken: cancellationToken);
        Show(message);
        return message;
    }

    public void Show(MailMessage message)
    {
        Message = message;
        Text = Render(message);
        Changed?.Invoke();
    }

    /// <summary>Keeps the open message's flags current (the header shows them).</summary>
    public void OnUpdate(MailSummary summary)
    {
        if (Message is { } open && open.Summary.Id == summary.Id)
        {
            Show(open with { Summary = summary });
        }
    }

    public void Clear()
    {
        Message = null;
        Text = "";
        Changed?.Invoke();
    }

    public static string Render(MailMessage message)
    {
        var s = message.Summary;
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"From:    {s.From}\n");
        text.Append(CultureInfo.InvariantCulture, $"To:      {(s.Everyone ? "everyone" : string.Join(", ", s.To))}\n");
        if (s.Cc.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"Cc:      {string.Join(", ", s.Cc)}\n");
        }

        if (s.Bcc.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"Bcc:     {string.Join(", ", s.Bcc)}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"Date:    {s.Date.ToLocalTime():ddd, dd MMM yyyy HH:mm}\n");
        text.Append(CultureInfo.InvariantCulture, $"Subject: {(s.Subject.Length == 0 ? "(no subject)" : s.Subject)}\n");
        if (s.Flagged)
        {
            text.Append("Flagged\n");
        }

        text.Append('\n').Append(message.Body.ReplaceLineEndings("\n"));
        if (message.Attachments.Count > 0)
        {
            text.Append("\n\n");
            foreach (var attachment in message.Attachments)
            {
                text.Append(CultureInfo.InvariantCulture, $"[attachment] {attachment.Name} ({attachment.ContentType}, {Size(attachment.Size)})\n");
            }
        }

        return text.ToString();
    }

    private static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.#} KiB",
        _ => $"{bytes / (1024.0 * 1024):0.#} MiB",
    };
}
