namespace Carteiro.Core.Messages;

/// <summary>
/// What a client asks to send. The sender is never part of it: the server stamps it from the
/// signed-in session.
/// </summary>
public sealed record Draft
{
    /// <summary>Primary recipients (user names).</summary>
    public IReadOnlyList<string> To { get; init; } = [];

    /// <summary>Copy recipients.</summary>
    public IReadOnlyList<string> Cc { get; init; } = [];

    /// <summary>Blind copy recipients: seen only by the sender.</summary>
    public IReadOnlyList<string> Bcc { get; init; } = [];

    /// <summary>Send to every account (the seed's broadcast).</summary>
    public bool ToEveryone { get; init; }

    /// <summary>One line, may be empty.</summary>
    public string Subject { get; init; } = "";

    /// <summary>Plain-text body, UTF-8, may be empty.</summary>
    public string Body { get; init; } = "";

    /// <summary>Files to attach.</summary>
    public IReadOnlyList<Attachment> Attachments { get; init; } = [];

    /// <summary>The caller's message (entry id) this one answers, if any.</summary>
    public long? ReplyTo { get; init; }

    /// <summary>The client's own id: a retried send with the same id is stored once.</summary>
    public string? ClientId { get; init; }
}
