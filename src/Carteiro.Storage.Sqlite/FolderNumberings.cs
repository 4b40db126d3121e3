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

    // What all kept reads may hold together: 500,000 entries are about 24 MB.
    private const int MaxEntries = 500_000;

    private readonly ConcurrentDictionary<long, Kept> _byFolder = new();
    private readonly Lock _gate = new();
    private int _held;

    /// <summary>The kept entries of <paramref name="folder"/> if they are of its current state.</summary>
    public IReadOnlyList<FolderEntry>? Find(FolderInfo folder) =>
        _byFolder.TryGetValue(folder.Id, out var kept) && kept.UidValidity == folder.UidValidity && kept.ModSeq == folder.HighestModSeq
            ? kept.Entries
            : null;

    /// <summary>Keeps a whole-folder read made in the same snapshot as <paramref name="folder"/>.</summary>
    public void Keep(FolderInfo folder, List<FolderEntry> entries)
    {
        if (entries.Count is < MinEntries or > MaxEntries)
        {
            return;
        }

        var kept = new Kept(folder.UidValidity, folder.HighestModSeq, [.. entries]);
        lock (_gate)
        {
            if (_byFolder.TryRemove(folder.Id, out var previous))
            {
                _held -= previous.Entries.Length;
            }

            // Over the budget, any other goes: a folder read again is kept again.
            foreach (long id in _byFolder.Keys)
            {
                if (_held + entries.Count <= MaxEntries)
                {
                    break;
                }

                if (_byFolder.TryRemove(id, out var dropped))
                {
                    _held -= dropped.Entries.Length;
                }
            }

            _byFolder[folder.Id] = kept;
            _held += entries.Count;
        }
    }

    private sealed record Kept(long UidValidity, long ModSeq, FolderEntry[] Entries);
}
