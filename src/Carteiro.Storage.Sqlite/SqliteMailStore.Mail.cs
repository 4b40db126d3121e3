using Carteiro.Core.Errors;
using Carteiro.Core.Mailboxes;
using Carteiro.Core.Messages;
using Carteiro.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Carteiro.Storage.Sqlite;

public sealed partial class SqliteMailStore
{
    private const int MaxPage = 1000;

    /// <inheritdoc />
    /// <remarks>
    /// No savepoint: a delivery refuses (unknown names) before it writes anything, and a savepoint
    /// makes SQLite copy each page the delivery touches into its statement journal.
    /// </remarks>
    public Task<DeliveryOutcome> DeliverAsync(NewMessage message, CancellationToken cancellationToken)
    {
        // Worked out here, on the caller's thread (one of many), not on the single writer that
        // every send waits for.
        string snippet = message.Body.Snippet(message.Mime.Span);
        return WriteAsync(w => w.Deliver(message, snippet), cancellationToken, savepoint: false);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<FolderInfo>> GetFoldersAsync(long accountId, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<FolderInfo>>(r =>
        {
            var folders = new List<FolderInfo>();
            // Standard folders first, in their usual order, then the rest by name.
            using var row = r.Command($"""
                SELECT {FolderRows.Columns} FROM folders WHERE account_id = $a
                ORDER BY CASE special WHEN 'inbox' THEN 0 WHEN 'sent' THEN 1 WHEN 'trash' THEN 2 ELSE 3 END, name_key
                """, "$a").With(accountId).ExecuteReader();
            while (row.Read())
            {
                folders.Add(FolderRows.Read(row));
            }

            return folders;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<FolderInfo?> GetFolderAsync(long accountId, string name, CancellationToken cancellationToken) =>
        ReadAsync(r => FindFolder(r, accountId, name), cancellationToken);

    /// <inheritdoc />
    public async Task<FolderInfo> CreateFolderAsync(long accountId, string name, CancellationToken cancellationToken)
    {
        // Parent folders are the caller's to make: IMAP lets a name's parts exist on their own.
        string checkedName = FolderNameRule.Check(name);
        long id = await WriteAsync(w => w.InsertFolder(accountId, checkedName, null), cancellationToken).ConfigureAwait(false);
        return Read(r =>
        {
            using var row = r.Command($"SELECT {FolderRows.Columns} FROM folders WHERE id = $id", "$id").With(id).ExecuteReader();
            row.Read();
            return FolderRows.Read(row);
        });
    }

    private static FolderInfo? FindFolder(Reader r, long accountId, string name)
    {
        using var row = r.Command($"SELECT {FolderRows.Columns} FROM folders WHERE account_id = $a AND name_key = $k", "$a", "$k")
            .With(accountId, name.ToLowerInvariant()).ExecuteReader();
        return row.Read() ? FolderRows.Read(row) : null;
    }

    /// <inheritdoc />
    public Task<MessagePage?> ListAsync(long accountId, ListQuery query, CancellationToken cancellationToken) => ReadAsync(r =>
    {
        if (FindFolder(r, accountId, query.Folder) is not { } folder)
        {
            return null;
        }

        // Newest first by UID, which only grows; the (folder_id, uid) index serves it. The page's
        // entries are chosen on that index alone and only they are joined: joining before the
        // OFFSET read every skipped row's message too (a middle page of a million took a second).
        string sql = "SELECT " + SummaryRows.Columns + SummaryRows.From +
            "WHERE e.id IN (SELECT id FROM entries WHERE folder_id = $f AND uid < $before" +
            (query.UnreadOnly ? " AND (flags & $seen) = 0" : "") +
            " ORDER BY uid DESC LIMIT $l OFFSET $o) ORDER BY e.uid DESC";
        var command = r.Command(sql, "$f", "$before", "$seen", "$l", "$o").WithAll(
            folder.Id, query.BeforeUid ?? long.MaxValue, (long)MessageFlags.Seen,
            Math.Clamp(query.Limit, 1, MaxPage), Math.Max(0, query.Offset));
        return new MessagePage(folder, SummaryRows.ReadAll(command));
    }, cancellationToken);

    /// <inheritdoc />
    public Task<FolderEntries?> EntriesAsync(long accountId, string folder, CancellationToken cancellationToken) => ReadAsync(r =>
    {
        if (FindFolder(r, accountId, folder) is not { } found)
        {
            return null;
        }

        // Callers count the entries themselves: a write between the two reads may change the folder's counts.
        var entries = new List<FolderEntry>(found.Total);
        using var rows = r.Command($"""
            SELECT {FolderEntryColumns} FROM entries e WHERE e.folder_id = $f ORDER BY e.uid
            """, "$f").With(found.Id).ExecuteReader();
        while (rows.Read())
        {
            entries.Add(ReadFolderEntry(rows));
        }

        return new FolderEntries(found, entries);
    }, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<MessageSummary>> SearchAsync(long accountId, SearchQuery query, CancellationToken cancellationToken)
    {
        string match = SearchTerms.ToFtsQuery(query.Text);
        if (match.Length == 0)
        {
            return [];
        }

        // Sends are indexed after they are acknowledged: whatever is still pending is indexed
        // first, so a search finds every message stored before it began.
        if (_writer is { PendingIndexHint: > 0 })
        {
            await WriteAsync(w => w.IndexAllPending(), cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return await FindAsync(accountId, query, match, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException error) when (error.Message.Contains("phrase queries are not supported", StringComparison.Ordinal))
        {
            // SQLite's tokenizer still cut a term in two: its Unicode tables are older than .NET's.
            string cautious = SearchTerms.ToFtsQuery(query.Text, cautious: true);
            return cautious.Length == 0 ? [] : await FindAsync(accountId, query, cautious, cancellationToken).ConfigureAwait(false);
        }
    }

    private Task<IReadOnlyList<MessageSummary>> FindAsync(long accountId, SearchQuery query, string match, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<MessageSummary>>(r =>
        {
            long folderId = 0;
            if (query.Folder is not null)
            {
                if (FindFolder(r, accountId, query.Folder) is not { } folder)
                {
                    Refuse.With(ErrorCode.NoSuchFolder, $"no folder named '{query.Folder}'");
                    return [];
                }

                folderId = folder.Id;
            }

            // Newest first by message id (the order of arrival), which the full-text index walks
            // backwards itself, so a page stops after its hits. Ordering by date, or by anything
            // besides the index's rowid, sorts every hit first: a frequent word took seconds on a
            // million messages. CROSS JOIN keeps SQLite from starting at the account's entries; a
            // message's copies (Sent and Inbox) then come in the entries_message index's order.
            string sql = "SELECT " + SummaryRows.Columns +
                " FROM messages_fts CROSS JOIN entries e ON e.message_id = messages_fts.rowid" +
                " CROSS JOIN folders f ON f.id = e.folder_id CROSS JOIN messages m ON m.id = e.message_id" +
                " WHERE messages_fts MATCH $q AND e.account_id = $a AND ($f = 0 OR e.folder_id = $f)" +
                " ORDER BY messages_fts.rowid DESC LIMIT $l OFFSET $o";
            var command = r.Command(sql, "$q", "$a", "$f", "$l", "$o").WithAll(
                match, accountId, folderId, Math.Clamp(query.Limit, 1, MaxPage), Math.Max(0, query.Offset));
            return SummaryRows.ReadAll(command);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<MessageDetail?> GetAsync(long accountId, long id, CancellationToken cancellationToken) => ReadAsync(r =>
    {
        string sql = "SELECT " + SummaryRows.Columns + ", " + StoredBody.Column + ", m.attachments, m.message_id_header" + SummaryRows.From + "WHERE e.id = $id AND e.account_id = $a";
        using var row = r.Command(sql, "$id", "$a").With(id, accountId).ExecuteReader();
        if (!row.Read())
        {
            return null;
        }

        int n = SummaryRows.ColumnCount;
        return new MessageDetail(SummaryRows.Read(row), row.GetString(n), AttachmentJson.Read(row.GetString(n + 1)), row.GetString(n + 2));
    }, cancellationToken);

    /// <inheritdoc />
    public Task<MessageSummary?> FindByMessageIdHeaderAsync(long accountId, string messageIdHeader, CancellationToken cancellationToken) => ReadAsync(r =>
    {
        using var row = r.Command("SELECT " + SummaryRows.Columns + SummaryRows.From + "WHERE m.message_id_header = $h AND e.account_id = $a ORDER BY e.id LIMIT 1", "$h", "$a")
            .With(messageIdHeader, accountId).ExecuteReader();
        return row.Read() ? SummaryRows.Read(row) : null;
    }, cancellationToken);

    /// <inheritdoc />
    public Task<byte[]?> GetMimeAsync(long accountId, long id, CancellationToken cancellationToken) => ReadAsync(r =>
    {
        using var row = r.Command(MimeOfEntry, "$id", "$a").With(id, accountId).ExecuteReader();
        return row.Read() ? (byte[])row.GetValue(0) : null;
    }, cancellationToken);

    /// <inheritdoc />
    public Task<MessageSummary?> SetFlagsAsync(long accountId, long id, MessageFlags add, MessageFlags remove, CancellationToken cancellationToken) =>
        WriteAsync(w => w.SetFlags(accountId, id, add, remove), cancellationToken);

    /// <inheritdoc />
    public Task<MoveOutcome?> MoveAsync(long accountId, long id, string folder, CancellationToken cancellationToken) =>
        WriteAsync(w => w.Move(accountId, id, folder), cancellationToken);

    /// <inheritdoc />
    public Task<MessageSummary?> DeleteAsync(long accountId, long id, CancellationToken cancellationToken) =>
        WriteAsync(w => w.Delete(accountId, id), cancellationToken);
}
