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
public readonly record struct FolderEntry(long Id, long Uid, long Size, MessageFlags Flags);

/// <summary>A whole folder's entries, oldest first, and the folder (its UID validity, for unique ids).</summary>
public sealed record FolderEntries(FolderInfo Folder, IReadOnlyList<FolderEntry> Entries);
