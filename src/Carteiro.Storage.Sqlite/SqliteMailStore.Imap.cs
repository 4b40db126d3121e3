using Carteiro.Core.Mailboxes;
using Carteiro.Core.Messages;
using Carteiro.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Carteiro.Storage.Sqlite;

/// <summary>What the IMAP door needs beyond the native protocol: folder upkeep, change tracking, appends and batches.</summary>
public sealed partial class SqliteMailStore
{
    private const string FolderEntryColumns = "e.id, e.uid, e.size, e.flags, e.modseq, e.date";

    private static FolderEntry ReadFolderEntry(SqliteDataReader row) => new(
        row.GetInt64(0), row.GetInt64(1), row.GetInt64(2), (MessageFlags)row.GetInt64(3), row.GetInt64(4), Sql.FromUnixMs(row.GetInt64(5)));

    private const string MimeOfEntry = "SELECT m.mime FROM entries e JOIN messages m ON m.id = e.message_id WHERE e.id = $id AND e.account_id = $a";

    private const string MimesOfEntries = """
        SELECT j.key, m.mime FROM json_each($ids) j CROSS JOIN entries e ON e.id = j.value CROSS JOIN messages m ON m.id = e.message_id
        WHERE e.account_id = $a
        """;

    /// <inheritdoc />
    public async Task<FolderInfo?> RenameFolderAsync(long accountId, string name, string newName, CancellationToken cancellationToken)
    {
        string checkedName = FolderNameRule.Check(newName);
        return await WriteAsync(w => w.RenameFolder(accountId, name, checkedName), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<bool> DeleteFolderAsync(long accountId, string name, CancellationToken cancellationToken) =>
        WriteAsync(w => w.DeleteFolder(accountId, name), cancellationToken);

    /// <inheritdoc />
    public Task<bool> SetSubscribedAsync(long accountId, string name, bool subscribed, CancellationToken cancellationToken) =>
        WriteAsync(w => w.SetSubscribed(accountId, name, subscribed), cancellationToken);

    /// <inheritdoc />
    public Task<FolderChanges?> ChangesSinceAsync(long accountId, string folder, long sinceModSeq, CancellationToken cancellationToken) =>
        ReadAsync(r => r.Snapshot(s =>
        {
            // One snapshot: the folder's counters, the changed entries and the expunged UIDs
            // agree, so a door that applies them all lands exactly on the folder's state.
            if (FindFolder(s, accountId, folder) is not { } found)
            {
                return null;
            }

            if (sinceModSeq == 0 && _numberings.Find(found) is { } kept)
            {
                return new FolderChanges(found, kept, []);
            }

            var changed = new List<FolderEntry>();
            // From 0 the whole folder is read in UID order straight off its (folder_id, uid) index;
            // later, the few changed entries come off the modification-sequence index.
            string sql = sinceModSeq == 0
                ? $"SELECT {FolderEntryColumns} FROM entries e WHERE e.folder_id = $f AND $since = 0 ORDER BY e.uid"
                : $"SELECT {FolderEntryColumns} FROM entries e WHERE e.folder_id = $f AND e.modseq > $since ORDER BY e.uid";
            using (var rows = s.Command(sql, "$f", "$since").With(found.Id, sinceModSeq).ExecuteReader())
            {
                while (rows.Read())
                {
                    changed.Add(ReadFolderEntry(rows));
                }
            }

            // From 0 the caller knows nothing, so nothing can have left it.
            var expunged = new List<long>();
            if (sinceModSeq > 0)
            {
                using var rows = s.Command("SELECT uid FROM expunged WHERE folder_id = $f AND modseq > $since ORDER BY uid", "$f", "$since")
                    .With(found.Id, sinceModSeq).ExecuteReader();
                while (rows.Read())
                {
                    expunged.Add(rows.GetInt64(0));
                }
            }

            if (sinceModSeq == 0)
            {
                _numberings.Keep(found, changed);
            }

            return new FolderChanges(found, changed, expunged);
        }), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<byte[]?>> GetMimesAsync(long accountId, IReadOnlyList<long> ids, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<byte[]?>>(r => r.Snapshot(s =>
        {
            // One statement for the whole batch (a statement per id costs more than the lookup):
            // the ids go in as a JSON array and come back with their positions. CROSS JOIN keeps
            // SQLite from walking the entries for each id: each id is one primary-key lookup.
            var mimes = new byte[]?[ids.Count];
            var list = new System.Text.StringBuilder(ids.Count * 8).Append('[');
            for (int i = 0; i < ids.Count; i++)
            {
                list.Append(i == 0 ? "" : ",").Append(ids[i].ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            using var rows = s.Command(MimesOfEntries, "$ids", "$a").With(list.Append(']').ToString(), accountId).ExecuteReader();
            while (rows.Read())
            {
                mimes[rows.GetInt32(0)] = (byte[])rows.GetValue(1);
            }

            return mimes;
        }), cancellationToken, mapped: true);

    /// <inheritdoc />
    public Task<AppendOutcome?> AppendAsync(long accountId, string folder, AppendedMessage message, CancellationToken cancellationToken) =>
        WriteAsync(w => w.Append(accountId, folder, message), cancellationToken);

    /// <inheritdoc />
    public Task<CopyOutcome> CopyAsync(long accountId, IReadOnlyList<long> ids, string folder, CancellationToken cancellationToken) =>
        WriteAsync(w => w.Copy(accountId, ids, folder), cancellationToken);

    /// <inheritdoc />
    public Task<FlagsOutcome> SetFlagsAsync(
        long accountId, IReadOnlyList<long> ids, MessageFlags add, MessageFlags remove, long? unchangedSince, CancellationToken cancellationToken) =>
        WriteAsync(w => w.SetFlags(accountId, ids, add, remove, unchangedSince), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<MoveOutcome>> MoveAsync(long accountId, IReadOnlyList<long> ids, string folder, CancellationToken cancellationToken) =>
        WriteAsync(w => w.Move(accountId, ids, folder), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<MessageSummary>> DeleteAsync(long accountId, IReadOnlyList<long> ids, CancellationToken cancellationToken) =>
        WriteAsync(w => w.Delete(accountId, ids), cancellationToken);
}
