using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;
using Carteiro.Core;
using Carteiro.Core.Accounts;
using Carteiro.Core.Live;
using Carteiro.Core.Mailboxes;
using Carteiro.Core.Messages;

namespace Carteiro.Web.Api;

/// <summary>
/// Who is signed in, and the value the browser echoes in <c>X-Carteiro-Csrf</c>. <see cref="Token"/>
/// is set only when a script changed its password: its old bearer token no longer works.
/// </summary>
public sealed record SessionResponse(string User, bool Admin, string Csrf)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Token { get; init; }

    internal static SessionResponse For(Account account, string token) => new(account.Name, account.IsAdmin, Auth.Csrf.For(token));
}

/// <summary>A new token for scripts.</summary>
public sealed record TokenResponse(string Token);

/// <summary>What the server allows, for clients to shape their forms.</summary>
public sealed record ServerResponse(string Version, string Domain, string Registration, string Broadcast, LimitsResponse Limits)
{
    internal static ServerResponse For(CarteiroOptions options) => new(
        WebDoor.Version,
        options.Domain,
        options.RegistrationOpen ? "open" : "closed",
        options.Broadcast == BroadcastPolicy.Everyone ? "everyone" : "admins",
        new LimitsResponse(options.MaxMessageSize, options.MaxSubjectLength, options.MaxAttachments, options.MaxRecipients));
}

/// <summary>Limits a client should respect before sending.</summary>
public sealed record LimitsResponse(long MaxMessageSize, int MaxSubjectLength, int MaxAttachments, int MaxRecipients);

/// <summary>A folder and its counts.</summary>
public sealed record FolderResponse(string Name, int Total, int Unread, long UidValidity, long UidNext, long HighestModSeq)
{
    internal static FolderResponse From(FolderInfo f) => new(f.Name, f.Total, f.Unread, f.UidValidity, f.UidNext, f.HighestModSeq);
}

/// <summary>One message as it appears in a folder (the native protocol's shape).</summary>
public class SummaryResponse
{
    public long Id { get; init; }
    public required string Folder { get; init; }
    public long Uid { get; init; }
    [JsonPropertyName("message")]
    public long Message { get; init; }
    public long Thread { get; init; }
    public long? InReplyTo { get; init; }
    public required string From { get; init; }
    public required IReadOnlyList<string> To { get; init; }
    public required IReadOnlyList<string> Cc { get; init; }
    public required IReadOnlyList<string> Bcc { get; init; }
    public bool Everyone { get; init; }
    public required string Subject { get; init; }
    public DateTimeOffset Date { get; init; }
    public long Size { get; init; }
    public required IReadOnlyList<string> Flags { get; init; }
    public required string Snippet { get; init; }
    public int AttachmentCount { get; init; }
    public long Modseq { get; init; }

    // The one mapping from the model, shared with MessageResponse.
    [SetsRequiredMembers]
    private protected SummaryResponse(MessageSummary s)
    {
        Id = s.Id;
        Folder = s.Folder;
        Uid = s.Uid;
        Message = s.MessageId;
        Thread = s.ThreadId;
        InReplyTo = s.InReplyTo;
        From = s.From;
        To = s.To;
        Cc = s.Cc;
        Bcc = s.Bcc;
        Everyone = s.ToEveryone;
        Subject = s.Subject;
        Date = s.Date;
        Size = s.Size;
        Flags = FlagNames(s.Flags);
        Snippet = s.Snippet;
        AttachmentCount = s.AttachmentCount;
        Modseq = s.ModSeq;
    }

    internal static SummaryResponse Of(MessageSummary s) => new(s);

    private static List<string> FlagNames(MessageFlags flags)
    {
        if (flags == MessageFlags.None)
        {
            return [];
        }

        var names = new List<string>(3);
        if ((flags & MessageFlags.Seen) != 0)
        {
            names.Add("seen");
        }

        if ((flags & MessageFlags.Answered) != 0)
        {
            names.Add("answered");
        }

        if ((flags & MessageFlags.Flagged) != 0)
        {
            names.Add("flagged");
        }

        return names;
    }
}

/// <summary>A message read in full.</summary>
public sealed class MessageResponse : SummaryResponse
{
    public required string Body { get; init; }

    /// <summary>The RFC 5322 Message-ID, angle brackets included.</summary>
    public required string MessageId { get; init; }

    public required IReadOnlyList<AttachmentResponse> Attachments { get; init; }

    /// <summary>True when the message has an HTML part, shown safe at <c>/api/messages/{id}/html</c>.</summary>
    public bool Html { get; init; }

    /// <summary>How many remote images, styles or other fetches the safe HTML leaves out.</summary>
    public int RemoteContentBlocked { get; init; }

    [SetsRequiredMembers]
    private MessageResponse(MessageDetail d, MimeHtml.Safe? html)
        : base(d.Summary)
    {
        Body = d.Body;
        MessageId = d.MessageIdHeader;
        Attachments = [.. d.Attachments.Select((a, i) => new AttachmentResponse(i, a.FileName, a.ContentType, a.Size))];
        Html = html is not null;
        RemoteContentBlocked = html?.RemoteContentBlocked ?? 0;
    }

    internal static MessageResponse Of(MessageDetail d, MimeHtml.Safe? html = null) => new(d, html);
}

/// <summary>An attachment's description; its bytes are at <c>/api/messages/{id}/attachments/{index}</c>.</summary>
public sealed record AttachmentResponse(int Index, string Name, string Type, long Size);

/// <summary>A page of a folder, newest first; <see cref="Next"/> is the <c>before</c> of the next page.</summary>
public sealed record PageResponse(FolderResponse Folder, IReadOnlyList<SummaryResponse> Items, long? Next);

/// <summary>Search results, best match first.</summary>
public sealed record SearchResponse(IReadOnlyList<SummaryResponse> Items);

/// <summary>The answer to a send; <see cref="Id"/> is the Sent copy.</summary>
public sealed record SendResponse(long Id, [property: JsonPropertyName("message")] long Message, DateTimeOffset Date, bool Duplicate);

/// <summary>What a delete did.</summary>
public sealed record DeleteResponse(long Id, bool Deleted, string? Folder);

/// <summary>Someone online.</summary>
public sealed record OnlineResponse(string Name, int Sessions, DateTimeOffset Since)
{
    internal static OnlineResponse From(OnlineUser u) => new(u.Name, u.Sessions, u.Since);
}

/// <summary>The payload of a <c>removed</c> event.</summary>
public sealed record RemovedEventData(long Id, string Folder, long Uid);

/// <summary>The payload of a <c>presence</c> event.</summary>
public sealed record PresenceEventData(string User, bool Online);

/// <summary>The payload of <c>hello</c>.</summary>
public sealed record HelloEventData(string User);

/// <summary>The payload of <c>bye</c>.</summary>
public sealed record ByeEventData(string Reason);
