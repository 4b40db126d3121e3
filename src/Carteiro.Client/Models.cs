using System.Text.Json.Serialization;

namespace Carteiro.Client;

/// <summary>The server's greeting.</summary>
public sealed record ServerHello(int Protocol, string Server, bool Registration, string Domain, ServerLimits Limits);

/// <summary>The limits a server announces in its greeting.</summary>
public sealed record ServerLimits(int MaxLine, long MaxMessage, int MaxInFlight, int IdleSeconds, int SignInSeconds);

/// <summary>Who this session is signed in as.</summary>
public sealed record SessionInfo(string User, bool Admin);

/// <summary>The answer to a send, given once the message is committed.</summary>
/// <param name="Id">Your copy in Sent.</param>
/// <param name="MessageId">The message's server-wide number.</param>
/// <param name="Date">The Date stamped on it.</param>
/// <param name="Duplicate">True when this answered a retry with the same client id.</param>
public sealed record SendResult(long Id, [property: JsonPropertyName("message")] long MessageId, DateTimeOffset Date, bool Duplicate);

/// <summary>One message as it appears in a folder.</summary>
public sealed record MailSummary(
    long Id,
    string Folder,
    long Uid,
    [property: JsonPropertyName("message")] long MessageId,
    [property: JsonPropertyName("thread")] long ThreadId,
    long? InReplyTo,
    string From,
    IReadOnlyList<string> To,
    IReadOnlyList<string> Cc,
    IReadOnlyList<string> Bcc,
    bool Everyone,
    string Subject,
    DateTimeOffset Date,
    long Size,
    IReadOnlyList<string> Flags,
    string Snippet,
    int AttachmentCount,
    [property: JsonPropertyName("modseq")] long ModSeq)
{
    /// <summary>True when the message has been read.</summary>
    [JsonIgnore]
    public bool Seen => Flags.Contains("seen");

    /// <summary>True when the message is flagged.</summary>
    [JsonIgnore]
    public bool Flagged => Flags.Contains("flagged");

    /// <summary>True when the message has been answered.</summary>
    [JsonIgnore]
    public bool Answered => Flags.Contains("answered");
}

/// <summary>A message read in full.</summary>
public sealed record MailMessage(MailSummary Summary, string Body, string MessageIdHeader, IReadOnlyList<MailAttachment> Attachments);

/// <summary>An attachment; <see cref="Content"/> is filled when asked for.</summary>
public sealed record MailAttachment(string Name, string ContentType, long Size, byte[]? Content);

/// <summary>A folder with its counts.</summary>
public sealed record FolderView(string Name, int Total, int Unread, long UidValidity, long UidNext, long HighestModSeq);

/// <summary>A page of a folder.</summary>
public sealed record MailPage(string Folder, int Total, int Unread, IReadOnlyList<MailSummary> Items);

/// <summary>Someone online.</summary>
public sealed record OnlineUser(string Name, int Sessions, DateTimeOffset Since);

/// <summary>What a delete did: moved to Trash, or deleted for good.</summary>
public sealed record DeleteResult(long Id, bool Deleted, string? Folder);

/// <summary>An attachment to send.</summary>
public sealed record OutgoingAttachment(string FileName, string ContentType, ReadOnlyMemory<byte> Content);

/// <summary>A message to send. The sender is the signed-in user.</summary>
public sealed record OutgoingMail
{
    /// <summary>Primary recipients.</summary>
    public IReadOnlyList<string> To { get; init; } = [];

    /// <summary>Copy recipients.</summary>
    public IReadOnlyList<string> Cc { get; init; } = [];

    /// <summary>Blind copy recipients.</summary>
    public IReadOnlyList<string> Bcc { get; init; } = [];

    /// <summary>Send to every account.</summary>
    public bool ToEveryone { get; init; }

    /// <summary>The subject (one line).</summary>
    public string Subject { get; init; } = "";

    /// <summary>The body.</summary>
    public string Body { get; init; } = "";

    /// <summary>Files to attach.</summary>
    public IReadOnlyList<OutgoingAttachment> Attachments { get; init; } = [];

    /// <summary>Your message id this one answers.</summary>
    public long? ReplyTo { get; init; }

    /// <summary>Your own id for this send: a retry with the same id is stored once.</summary>
    public string? ClientId { get; init; }
}
