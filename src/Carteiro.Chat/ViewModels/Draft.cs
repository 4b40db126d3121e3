using Carteiro.Client;

namespace Carteiro.Chat.ViewModels;

/// <summary>
/// A message being written. It lives in the view model, not in the compose window, so closing the
/// window, a lost connection or a refused send never loses what was typed.
/// </summary>
internal sealed class Draft
{
    public string To { get; set; } = "";

    public string Cc { get; set; } = "";

    public string Bcc { get; set; } = "";

    public string Subject { get; set; } = "";

    public string Body { get; set; } = "";

    /// <summary>Paths of files to attach, separated by commas.</summary>
    public string Attachments { get; set; } = "";

    /// <summary>Attachments carried over from a forwarded message (already in memory).</summary>
    public IReadOnlyList<OutgoingAttachment> Carried { get; init; } = [];

    /// <summary>A message to every account (the CLI's <c>--all</c>).</summary>
    public bool ToEveryone { get; init; }

    /// <summary>Your message id this one answers, for threading.</summary>
    public long? ReplyTo { get; init; }

    /// <summary>
    /// The id the server uses to store a retried send once: a send whose answer was lost with the
    /// connection can be sent again without making a duplicate.
    /// </summary>
    public string ClientId { get; } = "chat-" + Guid.NewGuid().ToString("N");

    /// <summary>What the compose window says it is ("New message", "Reply", "Forward"…).</summary>
    public string Kind { get; init; } = "New message";

    /// <summary>True when nothing worth keeping has been typed.</summary>
    public bool IsBlank =>
        string.IsNullOrWhiteSpace(To) && string.IsNullOrWhiteSpace(Cc) && string.IsNullOrWhiteSpace(Bcc)
        && string.IsNullOrWhiteSpace(Subject) && string.IsNullOrWhiteSpace(Body) && string.IsNullOrWhiteSpace(Attachments);

    /// <summary>Splits a recipients field ("bob, carol dave") into names.</summary>
    public static IReadOnlyList<string> Names(string field) =>
        field.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Splits the attachments field into paths (commas separate; spaces stay in a path).</summary>
    public static IReadOnlyList<string> Paths(string field) =>
        field.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
