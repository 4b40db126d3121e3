using Carteiro.Core.Mailboxes;

namespace Carteiro.Core.Storage;

/// <summary>
/// One entry of a folder in the fewest fields: what a mail door needs to number a whole folder
/// (POP3's maildrop, IMAP's sequence numbers) without reading every summary.
/// </summary>
/// <param name="Id">The entry's id (what the other operations take).</param>
/// <param name="Uid">Its UID in the folder.</param>
/// <param name="Size">The stored document's size in bytes.</param>
/// <param name="Flags">Its flags.</param>
/// <param name="ModSeq">The folder's modification sequence at the entry's last change (CONDSTORE).</param>
/// <param name="Date">When the message was stored (IMAP's internal date).</param>
public readonly record struct FolderEntry(long Id, long Uid, long Size, MessageFlags Flags, long ModSeq, DateTimeOffset Date);

/// <summary>A whole folder's entries, oldest first, and the folder (its UID validity, for unique ids).</summary>
public sealed record FolderEntries(FolderInfo Folder, IReadOnlyList<FolderEntry> Entries);

/// <summary>
/// What changed in a folder after a modification sequence: the entries changed or added since
/// (ascending UID) and the UIDs that left it since. From modification sequence 0 it is the whole
/// folder and no expunges. A mail door keeps a folder's numbering in step with this alone.
/// </summary>
public sealed record FolderChanges(FolderInfo Folder, IReadOnlyList<FolderEntry> Changed, IReadOnlyList<long> ExpungedUids);
