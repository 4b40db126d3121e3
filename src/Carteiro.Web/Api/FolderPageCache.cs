using System.Collections.Concurrent;
using Carteiro.Core.Accounts;
using Carteiro.Core.Delivery;
using Carteiro.Core.Mailboxes;
using Carteiro.Core.Storage;

namespace Carteiro.Web.Api;

/// <summary>
/// Serialized folder pages. A page is fully determined by its folder's state, and every change in
/// a folder (arrival, flag, move, delete) raises the folder's highest modification sequence; so a
/// page cached under the sequence it was read at is exact for as long as the sequence stands, and
/// the first page of an inbox (what every device and every reload asks for) is served without
/// touching the store's rows again. Bounded in bytes; one entry per page identity.
/// </summary>
internal sealed class FolderPageCache
{
    private const long MaxBytes = 32L * 1024 * 1024;
    private readonly ConcurrentDictionary<PageKey, Entry> _pages = new();
    private long _bytes;

    /// <summary>Which page: the rest (folder state) is checked against the entry.</summary>
    public readonly record struct PageKey(long AccountId, long FolderId, int Limit, long? Before, bool Unread);

    private sealed record Entry(long ModSeq, long Total, byte[] Json);

    /// <summary>The validator of a folder's pages: it changes whenever any page of the folder could.</summary>
    public static string ETagOf(FolderInfo folder) => $"\"{folder.Id:x}-{folder.HighestModSeq:x}-{folder.Total:x}\"";

    /// <summary>
    /// A page of <paramref name="folder"/> as the list endpoint's JSON (<see cref="PageResponse"/>),
    /// from the cache while the folder is unchanged, else read from the store and cached.
    /// </summary>
    public async Task<byte[]> PageAsync(MailService mail, Account account, FolderInfo folder, int size, long? before, bool unread, CancellationToken cancellationToken)
    {
        var key = new PageKey(account.Id, folder.Id, size, before, unread);
        if (TryGet(key, folder.HighestModSeq, folder.Total, out byte[] cached))
        {
            return cached;
        }

        var page = await mail.ListAsync(account, new ListQuery(folder.Name, size, 0, before, unread), cancellationToken).ConfigureAwait(false);
        long? next = page.Items.Count == size ? page.Items[^1].Uid : null;
        byte[] json = new SummaryListResult(page.Items, page.Folder, next).ToBytes();

        // Filed under the state the rows were read at, which may be newer than the lookup's.
        Set(key, page.Folder.HighestModSeq, page.Folder.Total, json);
        return json;
    }

    private bool TryGet(PageKey key, long modSeq, long total, out byte[] json)
    {
        if (_pages.TryGetValue(key, out var entry) && entry.ModSeq == modSeq && entry.Total == total)
        {
            json = entry.Json;
            return true;
        }

        json = [];
        return false;
    }

    private void Set(PageKey key, long modSeq, long total, byte[] json)
    {
        var entry = new Entry(modSeq, total, json);
        long previous = _pages.TryGetValue(key, out var old) ? old.Json.Length : 0;
        _pages[key] = entry;
        if (Interlocked.Add(ref _bytes, json.Length - previous) > MaxBytes)
        {
            // Crude but bounded: start over rather than track recency on every hit.
            _pages.Clear();
            Interlocked.Exchange(ref _bytes, 0);
        }
    }
}
