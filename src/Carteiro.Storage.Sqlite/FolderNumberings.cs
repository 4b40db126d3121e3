using System.Collections.Concurrent;
using Carteiro.Core.Mailboxes;
using Carteiro.Core.Storage;

namespace Carteiro.Storage.Sqlite;

/// <summary>
/// The whole-folder reads mail doors make to number a large folder (IMAP SELECT), kept for the
/// next session that selects it unchanged: mail programs open several connections and reselect
/// often. An entry is valid only for the folder's exact UID validity and highest modification
/// sequence, which every change to the folder raises, so a kept read is never stale; it is found
/// from the folder row read in the same snapshot.
/// </summary>
internal sealed class FolderNumberings
{
    // Below this many entries reading the folder costs less than keeping it.
    public const int MinEntries = 256;

    // At most this many folders are kept (~0.5 MB each at 10,000 entries).
    private const int MaxFolders = 32;

    private readonly ConcurrentDictionary<long, Kept> _byFolder = new();

    /// <summary>The kept entries of <paramref name="folder"/> if they are of its current state.</summary>
    public IReadOnlyList<FolderEntry>? Find(FolderInfo folder) =>
        _byFolder.TryGetValue(folder.Id, out var kept) && kept.UidValidity == folder.UidValidity && kept.ModSeq == folder.HighestModSeq
            ? kept.Entries
            : null;

    /// <summary>Keeps a whole-folder read made in the same snapshot as <paramref name="folder"/>.</summary>
    public void Keep(FolderInfo folder, List<FolderEntry> entries)
    {
        if (entries.Count < MinEntries)
        {
            return;
        }

        if (_byFolder.Count >= MaxFolders && !_byFolder.ContainsKey(folder.Id))
        {
            // Any one goes: a folder read again is kept again.
            foreach (long id in _byFolder.Keys)
            {
                _byFolder.TryRemove(id, out _);
                break;
            }
        }

        _byFolder[folder.Id] = new Kept(folder.UidValidity, folder.HighestModSeq, [.. entries]);
    }

    private sealed record Kept(long UidValidity, long ModSeq, FolderEntry[] Entries);
}
