using Carteiro.Core.Mailboxes;

namespace Carteiro.Core.Messages;

/// <summary>
/// One message as it appears in one of its owner's folders. <see cref="Id"/> is the entry's id:
/// meaningful only to the account that owns it. <see cref="Bcc"/> is filled only for the sender.
/// </summary>
public sealed record MessageSummary(
    long Id,
    string Folder,
    long Uid,
    long MessageId,
    long ThreadId,
    long? InReplyTo,
    string From,
    IReadOnlyList<string> To,
    IReadOnlyList<string> Cc,
    IReadOnlyList<string> Bcc,
    bool ToEveryone,
    string Subject,
    DateTimeOffset Date,
    long Size,
    MessageFlags Flags,
    string Snippet,
    int AttachmentCount,
    long ModSeq);

/// <summary>A message read in full: its summary, text body and attachment list.</summary>
public sealed record MessageDetail(MessageSummary Summary, string Body, IReadOnlyList<AttachmentInfo> Attachments, string MessageIdHeader);
