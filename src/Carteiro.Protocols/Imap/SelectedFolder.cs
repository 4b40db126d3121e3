using Carteiro.Core.Mailboxes;
using Carteiro.Core.Storage;

namespace Carteiro.Protocols.Imap;

/// <summary>
/// The selected mailbox as this session numbers it: its entries by ascending UID, sequence number
/// n being the n-th. The numbering changes only when the session tells the client (EXISTS,
/// EXPUNGE), so it is brought up to date from the store (<see cref="Apply"/>) only at moments the
/// protocol allows. <see cref="KnownModSeq"/> is how far those updates have come.
/// </summary>
internal sealed class SelectedFolder
{
    private readonly List<FolderEntry> _entries;

    public SelectedFolder(FolderChanges whole, bool readOnly)
    {
        Folder = whole.Folder.Name;
        UidValidity = whole.Folder.UidValidity;
        ReadOnly = readOnly;
        _entries = [.. whole.Changed];
        KnownModSeq = whole.Folder.HighestModSeq;
        UidNext = whole.Folder.UidNext;
    }

    /// <summary>The folder's name in the store.</summary>
    public string Folder { get; }

    public long UidValidity { get; }

    /// <summary>Selected with EXAMINE: nothing may change it, not even \Seen.</summary>
    public bool ReadOnly { get; }

    /// <summary>The highest modification sequence applied.</summary>
    public long KnownModSeq { get; private set; }

    public long UidNext { get; private set; }

    /// <summary>Set from other threads when the store has news for this folder; cleared by the session.</summary>
    public volatile bool Stale;

    public int Count => _entries.Count;

    public FolderEntry this[int index] => _entries[index];

    public long LargestUid => _entries.Count == 0 ? 0 : _entries[^1].Uid;

    /// <summary>The index of the entry with <paramref name="uid"/>, or -1.</summary>
    public int IndexOfUid(long uid)
    {
        int low = 0;
        int high = _entries.Count - 1;
        while (low <= high)
        {
            int middle = (low + high) >>> 1;
            long found = _entries[middle].Uid;
            if (found == uid)
            {
                return middle;
            }

            if (found < uid)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return -1;
    }

    /// <summary>The indexes a sequence set names, ascending (by sequence number or by UID).</summary>
    public List<int> Resolve(SequenceSet set, bool byUid)
    {
        var indexes = new List<int>();
        if (_entries.Count == 0)
        {
            return indexes;
        }

        if (!byUid)
        {
            foreach (var (from, to) in set.Resolve(_entries.Count))
            {
                for (long n = Math.Max(1, from); n <= Math.Min(to, _entries.Count); n++)
                {
                    indexes.Add((int)n - 1);
                }
            }
        }
        else
        {
            foreach (var (from, to) in set.Resolve(LargestUid))
            {
                // A range is walked over the entries, not over the numbers: 1:4294967295 is one step per message.
                int start = LowerBound(from);
                for (int i = start; i < _entries.Count && _entries[i].Uid <= to; i++)
                {
                    indexes.Add(i);
                }
            }
        }

        if (indexes.Count > 1)
        {
            indexes.Sort();
            int write = 1;
            for (int read = 1; read < indexes.Count; read++)
            {
                if (indexes[read] != indexes[write - 1])
                {
                    indexes[write++] = indexes[read];
                }
            }

            indexes.RemoveRange(write, indexes.Count - write);
        }

        return indexes;
    }

    private int LowerBound(long uid)
    {
        int low = 0;
        int high = _entries.Count;
        while (low < high)
        {
            int middle = (low + high) >>> 1;
            if (_entries[middle].Uid < uid)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    /// <summary>Records what this session did itself (and has told its client) to one entry.</summary>
    public void Update(int index, MessageFlags flags, long modSeq) =>
        _entries[index] = _entries[index] with { Flags = flags, ModSeq = Math.Max(modSeq, _entries[index].ModSeq) };

    /// <summary>Drops an entry this session expunged itself (and has told its client).</summary>
    public void RemoveAt(int index) => _entries.RemoveAt(index);

    /// <summary>What <see cref="Apply"/> found: to be told to the client in this order.</summary>
    public readonly record struct SyncResult(List<int> ExpungedSequenceNumbers, List<int> FlagChanges, int Exists);

    /// <summary>
    /// Brings the numbering up to date with what changed in the store: expunged entries leave
    /// (their sequence numbers, each valid at the moment it is told, come back in order), entries
    /// whose flags changed are named by index, and new entries are appended. Changes the session
    /// already knows (its own STORE) are not repeated.
    /// </summary>
    public SyncResult Apply(FolderChanges changes)
    {
        var expunged = new List<int>();
        foreach (long uid in changes.ExpungedUids)
        {
            int index = IndexOfUid(uid);
            if (index >= 0)
            {
                _entries.RemoveAt(index);
                expunged.Add(index + 1);
            }
        }

        var flagChanges = new List<int>();
        int before = _entries.Count;
        foreach (var entry in changes.Changed)
        {
            int index = IndexOfUid(entry.Uid);
            if (index >= 0)
            {
                var known = _entries[index];
                _entries[index] = entry;
                if (known.Flags != entry.Flags)
                {
                    flagChanges.Add(index);
                }
            }
            else if (entry.Uid > LargestUid)
            {
                _entries.Add(entry);
            }
        }

        KnownModSeq = Math.Max(KnownModSeq, changes.Folder.HighestModSeq);
        UidNext = Math.Max(UidNext, changes.Folder.UidNext);
        return new SyncResult(expunged, flagChanges, _entries.Count != before || expunged.Count > 0 ? _entries.Count : -1);
    }
}
