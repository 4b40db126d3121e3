using Carteiro.Core.Mailboxes;
using Carteiro.Core.Messages;

namespace Carteiro.Core.Storage;

/// <summary>
/// A whole document a mail program files in one of its owner's own folders (IMAP APPEND): kept
/// byte for byte, delivered to nobody.
/// </summary>
/// <param name="From">The sender as shown in lists: a local user's name, or the address.</param>
/// <param name="To">Recipients as shown in lists, likewise.</param>
/// <param name="Cc">Copy recipients as shown in lists, likewise.</param>
/// <param name="Subject">The decoded subject.</param>
/// <param name="Body">The readable text (for snippets and search).</param>
/// <param name="Attachments">Its attachments.</param>
/// <param name="MessageIdHeader">Its Message-ID with angle brackets, or empty when it has none.</param>
/// <param name="Date">The internal date the client gave, or now.</param>
/// <param name="Flags">The flags it is filed with.</param>
/// <param name="Mime">The document.</param>
public sealed record AppendedMessage(
    string From,
    IReadOnlyList<string> To,
    IReadOnlyList<string> Cc,
    string Subject,
    string Body,
    IReadOnlyList<AttachmentInfo> Attachments,
    string MessageIdHeader,
    DateTimeOffset Date,
    MessageFlags Flags,
    ReadOnlyMemory<byte> Mime);

/// <summary>
/// An appended document as filed. <see cref="Duplicate"/> marks a copy the folder already held: a
/// mail program saving to Sent what it has just sent through the server, which filed it there
/// already; nothing new was stored and <see cref="Entry"/> is that first copy.
/// </summary>
public sealed record AppendOutcome(FolderInfo Folder, MessageSummary Entry, bool Duplicate);

/// <summary>Entries copied into <see cref="Target"/>: each source entry id with its new entry.</summary>
public sealed record CopyOutcome(FolderInfo Target, IReadOnlyList<CopiedEntry> Copies);

/// <summary>One copied entry: where it came from and what it became.</summary>
public readonly record struct CopiedEntry(long FromId, long FromUid, MessageSummary Entry);

/// <summary>
/// A flag change over several entries: the entries that changed (after the change), and the ids
/// left alone because they had changed after the caller's modification sequence (CONDSTORE's
/// UNCHANGEDSINCE).
/// </summary>
public sealed record FlagsOutcome(IReadOnlyList<MessageSummary> Changed, IReadOnlyList<long> Modified);
