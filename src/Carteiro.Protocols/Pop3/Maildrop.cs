using Carteiro.Core.Storage;

namespace Carteiro.Protocols.Pop3;

/// <summary>
/// The Inbox as a POP3 session sees it: fixed at sign-in and numbered from 1, oldest first, with
/// deletion marks that take effect at QUIT. Unique ids are the UID validity and UID, which never
/// name another message.
/// </summary>
internal sealed class Maildrop(long uidValidity, IReadOnlyList<FolderEntry> oldestFirst)
{
    private readonly bool[] _deleted = new bool[oldestFirst.Count];

    /// <summary>Messages in the maildrop, deleted or not (message numbers run 1..Count).</summary>
    public int Count => oldestFirst.Count;

    /// <summary>Messages not marked deleted.</summary>
    public int Live => Count - _deleted.Count(d => d);

    /// <summary>Their total size in octets.</summary>
    public long LiveSize => Enumerable.Range(0, Count).Where(i => !_deleted[i]).Sum(i => oldestFirst[i].Size);

    /// <summary>The message numbered <paramref name="number"/>, unless there is none or it is marked deleted.</summary>
    public bool TryGet(int number, out FolderEntry message)
    {
        message = default;
        if (number < 1 || number > Count || _deleted[number - 1])
        {
            return false;
        }

        message = oldestFirst[number - 1];
        return true;
    }

    public string UniqueId(FolderEntry message) => $"{uidValidity}.{message.Uid}";

    public void MarkDeleted(int number) => _deleted[number - 1] = true;

    public void Unmark() => Array.Clear(_deleted);

    /// <summary>The live messages with their numbers.</summary>
    public IEnumerable<(int Number, FolderEntry Message)> Listing() =>
        Enumerable.Range(1, Count).Where(n => !_deleted[n - 1]).Select(n => (n, oldestFirst[n - 1]));

    /// <summary>The messages marked deleted.</summary>
    public IEnumerable<FolderEntry> Marked() => Enumerable.Range(0, Count).Where(i => _deleted[i]).Select(i => oldestFirst[i]);
}
