using Carteiro.Core.Accounts;
using Carteiro.Core.Errors;
using Carteiro.Core.Mailboxes;
using Carteiro.Core.Messages;
using Carteiro.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Carteiro.Storage.Sqlite;

/// <summary>
/// The writer connection and its prepared statements. Only the <see cref="WriteQueue"/> thread
/// touches it, always inside a batch transaction, so none of this needs locking.
/// </summary>
internal sealed partial class Writer : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly TimeProvider _time;
    private readonly SqliteCommand _begin;
    private readonly SqliteCommand _commit;
    private readonly SqliteCommand _rollback;
    private readonly SqliteCommand _savepoint;
    private readonly SqliteCommand _release;
    private readonly SqliteCommand _rollbackTo;
    private readonly RawStatement _findAccountByKey;
    private readonly RawStatement _allInboxes;
    private readonly RawStatement _bumpSpecial;
    private readonly RawStatement _findByClientId;
    private readonly RawStatement _insertMessage;
    private readonly RawStatement _insertEntry;
    private readonly RawStatement _insertInboxEntries;
    private readonly SqliteCommand _entryState;
    private readonly SqliteCommand _summaryById;
    private readonly SqliteCommand _updateFolderCounts;
    private readonly SqliteCommand _bumpFolderForInsert;
    private readonly SqliteCommand _setEntry;
    private readonly SqliteCommand _insertExpunged;
    private readonly SqliteCommand _deleteEntry;
    private readonly SqliteCommand _messageInUse;
    private readonly SqliteCommand _deleteFts;
    private readonly SqliteCommand _deleteMessage;
    private readonly SqliteCommand _folderByName;
    private readonly SqliteCommand _folderById;
    private readonly SqliteCommand _folderKind;
    private readonly SqliteCommand _sentCopy;

    public Writer(SqliteConnection connection, TimeProvider time)
    {
        _connection = connection;
        _time = time;
        _begin = Sql.Prepare(connection, "BEGIN IMMEDIATE");
        _commit = Sql.Prepare(connection, "COMMIT");
        _rollback = Sql.Prepare(connection, "ROLLBACK");
        _savepoint = Sql.Prepare(connection, "SAVEPOINT op");
        _release = Sql.Prepare(connection, "RELEASE op");
        _rollbackTo = Sql.Prepare(connection, "ROLLBACK TO op");
        _findAccountByKey = new RawStatement(connection, "SELECT id, name FROM accounts WHERE name_key = ?1");

        // OR FAIL on the statements that file mail: a statement that may change several rows and
        // could stop half-way (a NOT NULL check, with ABORT, SQLite's default) must be undoable on
        // its own, so SQLite first copied every page it touched into a statement journal (with
        // the check of the entries' references, which now waits for the commit: migration 0011,
        // a tenth of the writer's time in a send). Nothing here goes on after a failed statement
        // (the write's savepoint or the whole batch rolls back), so what FAIL leaves is never
        // committed.
        _allInboxes = new RawStatement(connection, """
            UPDATE OR FAIL folders SET uid_next = uid_next + 1, highest_modseq = highest_modseq + 1, total = total + 1, unread = unread + 1
            WHERE special = 'inbox' RETURNING id, account_id, uid_next - 1, highest_modseq, name
            """);
        _bumpSpecial = new RawStatement(connection, """
            UPDATE OR FAIL folders SET uid_next = uid_next + 1, highest_modseq = highest_modseq + 1, total = total + 1, unread = unread + ?1
            WHERE account_id = ?2 AND special = ?3 RETURNING id, uid_next - 1, highest_modseq, name
            """);
        _findByClientId = new RawStatement(connection, """
            SELECT m.id, m.date, (SELECT MIN(e.id) FROM entries e WHERE e.message_id = m.id AND e.account_id = ?1)
            FROM messages m WHERE m.sender_id = ?1 AND m.client_id = ?2
            """);
        _insertMessage = new RawStatement(connection, """
            INSERT INTO messages (sender_id, sender_name, client_id, date, subject, body, snippet, to_names, cc_names, bcc_names,
                everyone, names, attachments, attachment_count, size, in_reply_to, thread_id, message_id_header, mime)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)
            RETURNING id
            """);
        _insertEntry = new RawStatement(connection, """
            INSERT OR FAIL INTO entries (account_id, folder_id, uid, message_id, flags, modseq, size, date)
            SELECT ?1, ?2, ?3, ?4, ?5, ?6, size, date FROM messages WHERE id = ?4 RETURNING id
            """);
        // A message to everyone files one entry per inbox in a single statement: a statement per
        // inbox made every statement journal its pages inside the write's savepoint, and freeing
        // that growing sub-journal after each one cost most of a broadcast's time.
        _insertInboxEntries = new RawStatement(connection, """
            INSERT OR FAIL INTO entries (account_id, folder_id, uid, message_id, flags, modseq, size, date)
            SELECT f.account_id, f.id, f.uid_next - 1, m.id, 0, f.highest_modseq, m.size, m.date
            FROM messages m CROSS JOIN folders f WHERE m.id = ?1 AND f.special = 'inbox'
            RETURNING id, folder_id
            """);
        _entryState = Sql.Prepare(connection, """
            SELECT e.folder_id, e.uid, e.flags, e.message_id, f.special, e.modseq FROM entries e JOIN folders f ON f.id = e.folder_id
            WHERE e.id = $id AND e.account_id = $a
            """, "$id", "$a");
        _summaryById = Sql.Prepare(connection, "SELECT " + SummaryRows.Columns + SummaryRows.From + "WHERE e.id = $id", "$id");
        _updateFolderCounts = Sql.Prepare(connection, """
            UPDATE folders SET highest_modseq = highest_modseq + 1, total = total + $t, unread = unread + $u
            WHERE id = $f RETURNING highest_modseq
            """, "$t", "$u", "$f");
        _bumpFolderForInsert = Sql.Prepare(connection, """
            UPDATE folders SET uid_next = uid_next + 1, highest_modseq = highest_modseq + 1, total = total + 1, unread = unread + $u
            WHERE id = $f RETURNING uid_next - 1, highest_modseq
            """, "$u", "$f");
        _setEntry = Sql.Prepare(connection, "UPDATE entries SET folder_id = $f, uid = $u, flags = $fl, modseq = $ms WHERE id = $id", "$f", "$u", "$fl", "$ms", "$id");
        _insertExpunged = Sql.Prepare(connection, "INSERT OR REPLACE INTO expunged (folder_id, uid, modseq) VALUES ($f, $u, $m)", "$f", "$u", "$m");
        _deleteEntry = Sql.Prepare(connection, "DELETE FROM entries WHERE id = $id", "$id");
        _messageInUse = Sql.Prepare(connection, "SELECT EXISTS (SELECT 1 FROM entries WHERE message_id = $m)", "$m");
        _deleteFts = Sql.Prepare(connection, $"""
            INSERT INTO messages_fts (messages_fts, rowid, subject, body, names)
            SELECT 'delete', m.id, m.subject, {StoredBody.ForIndex}, m.names FROM messages m WHERE m.id = $m
            """, "$m");
        _deleteMessage = Sql.Prepare(connection, "DELETE FROM messages WHERE id = $m", "$m");
        _folderByName = Sql.Prepare(connection, "SELECT id FROM folders WHERE account_id = $a AND name_key = $k", "$a", "$k");
        _folderById = Sql.Prepare(connection, $"SELECT {FolderRows.Columns} FROM folders WHERE id = $id", "$id");
        _folderKind = Sql.Prepare(connection, "SELECT id, special FROM folders WHERE account_id = $a AND name_key = $k", "$a", "$k");
        _sentCopy = Sql.Prepare(connection, """
            SELECT MIN(e.id) FROM messages m JOIN entries e ON e.message_id = m.id
            WHERE m.message_id_header = $h AND m.sender_id = $a AND e.account_id = $a AND e.folder_id = $f
            """, "$h", "$a", "$f");
        PrepareIndexStatements();
    }

    // Plain BEGIN/COMMIT statements rather than SqliteTransaction: the prepared commands then need
    // no Transaction property set on each use.
    public BatchTransaction Begin()
    {
        _begin.ExecuteNonQuery();
        return new BatchTransaction(this);
    }

    internal sealed class BatchTransaction(Writer writer) : IDisposable
    {
        private bool _committed;

        public void Commit()
        {
            writer._commit.ExecuteNonQuery();
            _committed = true;
            writer.IndexProgressCommitted();
            writer.Committed?.Invoke();
        }

        public void Dispose()
        {
            if (_committed)
            {
                return;
            }

            if (!writer._connection.AutoCommitMode())
            {
                writer._rollback.ExecuteNonQuery();
            }

            writer.IndexProgressRolledBack();
        }
    }

    public SqliteConnection Connection => _connection;

    /// <summary>Called after each commit (the checkpointer's cue).</summary>
    public Action? Committed { get; init; }

    public DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>Runs <paramref name="work"/> inside a savepoint, so a refusal leaves no trace.</summary>
    public T Guarded<T>(Func<Writer, T> work)
    {
        _savepoint.ExecuteNonQuery();
        try
        {
            var result = work(this);
            _release.ExecuteNonQuery();
            return result;
        }
        catch
        {
            _rollbackTo.ExecuteNonQuery();
            _release.ExecuteNonQuery();
            throw;
        }
    }

    /// <param name="message">The message.</param>
    /// <param name="snippet">Its one-line preview, worked out by the caller.</param>
    public DeliveryOutcome Deliver(NewMessage message, string snippet)
    {
        long senderId = message.Sender.Id;
        if (message.ClientId is not null)
        {
            using var row = _findByClientId.Bind(1, senderId).Bind(2, message.ClientId).Query();
            if (row.Read())
            {
                return new DeliveryOutcome(row.IsNull(2) ? 0 : row.Int64(2), row.Int64(0), Sql.FromUnixMs(row.Int64(1)), true, [], []);
            }
        }

        // Resolve every name before writing anything, so an unknown name refuses the whole send.
        var recipients = new Dictionary<long, string>();
        var unknown = new List<string>();
        var to = Resolve(message.To, recipients, unknown);
        var cc = Resolve(message.Cc, recipients, unknown);
        var bcc = Resolve(message.Bcc, recipients, unknown);
        if (unknown.Count > 0)
        {
            return DeliveryOutcome.Unknown(unknown);
        }

        var (messageId, date) = InsertMessage(message, snippet, to, cc, bcc);
        var deliveries = new List<Delivery>(message.ToEveryone ? 16 : recipients.Count + 1);
        var template = new MessageSummary(0, "", 0, messageId, message.ThreadId ?? messageId, message.InReplyTo, message.Sender.Name,
            to, cc, [], message.ToEveryone, message.Subject, date, message.Mime.Length, MessageFlags.None,
            snippet, message.Attachments.Count, 0);

        // The sender's copy first: its id is the one the sender is told.
        var (sentFolder, sentUid, sentModSeq, sentName) = Bump(senderId, "sent", unread: 0);
        long sentId = InsertEntry(senderId, sentFolder, sentUid, messageId, MessageFlags.Seen, sentModSeq);
        deliveries.Add(new Delivery(senderId, template with
        {
            Id = sentId, Folder = sentName, Uid = sentUid, Bcc = bcc, Flags = MessageFlags.Seen, ModSeq = sentModSeq,
        }));

        if (message.ToEveryone)
        {
            var filed = new List<(long Folder, long Account, long Uid, long ModSeq, string Name)>();
            using (var row = _allInboxes.Query())
            {
                while (row.Read())
                {
                    filed.Add((row.Int64(0), row.Int64(1), row.Int64(2), row.Int64(3), row.Text(4)));
                }
            }

            var entryOfFolder = new Dictionary<long, long>(filed.Count);
            using (var row = _insertInboxEntries.Bind(1, messageId).Query())
            {
                while (row.Read())
                {
                    entryOfFolder[row.Int64(1)] = row.Int64(0);
                }
            }

            foreach (var (folder, account, uid, modSeq, name) in filed)
            {
                deliveries.Add(new Delivery(account, template with
                {
                    Id = entryOfFolder[folder], Folder = name, Uid = uid, ModSeq = modSeq, Bcc = account == senderId ? bcc : [],
                }));
            }
        }
        else
        {
            foreach (var account in recipients.Keys)
            {
                var (folder, uid, modSeq, name) = Bump(account, "inbox", unread: 1);
                long id = InsertEntry(account, folder, uid, messageId, MessageFlags.None, modSeq);
                deliveries.Add(new Delivery(account, template with
                {
                    Id = id, Folder = name, Uid = uid, ModSeq = modSeq, Bcc = account == senderId ? bcc : [],
                }));
            }
        }

        return new DeliveryOutcome(sentId, messageId, date, false, [], deliveries);
    }

    private List<string> Resolve(IReadOnlyList<string> names, Dictionary<long, string> recipients, List<string> unknown)
    {
        var canonical = new List<string>(names.Count);
        foreach (string name in names)
        {
            using var row = _findAccountByKey.Bind(1, UserName.Normalize(name)).Query();
            if (!row.Read())
            {
                if (!unknown.Contains(name, StringComparer.OrdinalIgnoreCase))
                {
                    unknown.Add(name);
                }

                continue;
            }

            string accountName = row.Text(1);
            recipients[row.Int64(0)] = accountName;
            if (!canonical.Contains(accountName))
            {
                canonical.Add(accountName);
            }
        }

        return canonical;
    }

    private (long Id, DateTimeOffset Date) InsertMessage(NewMessage message, string snippet, List<string> to, List<string> cc, List<string> bcc)
    {
        // Millisecond precision: what is stored is what was announced.
        var date = Sql.FromUnixMs(Sql.ToUnixMs(message.Date));
        string names = string.Join(' ', [message.Sender.Name, .. to, .. cc]);
        long id = InsertMessageRow(
            message.Sender.Id, message.Sender.Name, message.ClientId, Sql.ToUnixMs(date), message.Subject, message.Body, snippet,
            SummaryRows.Join(to), SummaryRows.Join(cc), SummaryRows.Join(bcc), message.ToEveryone, names, message.Attachments,
            message.InReplyTo, message.ThreadId, message.MessageIdHeader, message.Mime.Span);
        return (id, date);
    }

    private (long Folder, long Uid, long ModSeq, string Name) Bump(long accountId, string special, int unread)
    {
        using var row = _bumpSpecial.Bind(1, unread).Bind(2, accountId).Bind(3, special).Query();
        if (!row.Read())
        {
            Refuse.With(ErrorCode.NoSuchUser, "the account no longer exists");
        }

        return (row.Int64(0), row.Int64(1), row.Int64(2), row.Text(3));
    }

    /// <summary>
    /// Stores a message's row (its text either as given or as a place in its document) and puts it
    /// on the list for the full-text index; returns its id.
    /// </summary>
    private long InsertMessageRow(
        long? senderId, string senderName, string? clientId, long dateMs, string subject, MessageText body, string snippet, string toNames, string ccNames,
        string bccNames, bool everyone, string names, IReadOnlyList<AttachmentInfo> attachments, long? inReplyTo, long? threadId,
        string messageIdHeader, ReadOnlySpan<byte> document)
    {
        var statement = _insertMessage
            .Bind(1, senderId).Bind(2, senderName).Bind(3, clientId).Bind(4, dateMs).Bind(5, subject);
        if ((body.Value is { } text ? StoredBody.For(text, document) : StoredBody.At(body.DocumentStart)) is byte[] marker)
        {
            statement.Bind(6, marker);
        }
        else
        {
            statement.Bind(6, body.Value);
        }

        long id = statement
            .Bind(7, snippet).Bind(8, toNames).Bind(9, ccNames).Bind(10, bccNames).Bind(11, everyone ? 1 : 0).Bind(12, names)
            .Bind(13, AttachmentJson.Write(attachments)).Bind(14, attachments.Count).Bind(15, document.Length).Bind(16, inReplyTo)
            .Bind(17, threadId).Bind(18, messageIdHeader).Bind(19, document)
            .Int64OrNull() ?? throw new InvalidOperationException("INSERT … RETURNING id returned no row");
        MarkForIndex(id);
        return id;
    }

    private long InsertEntry(long account, long folder, long uid, long message, MessageFlags flags, long modSeq) =>
        _insertEntry.Bind(1, account).Bind(2, folder).Bind(3, uid).Bind(4, message).Bind(5, (long)flags).Bind(6, modSeq)
            .Int64OrNull() ?? throw new InvalidOperationException("the message of a new entry is missing");

    private EntryState? FindEntry(long accountId, long id)
    {
        using var row = _entryState.With(id, accountId).ExecuteReader();
        return row.Read()
            ? new EntryState(row.GetInt64(0), row.GetInt64(1), (MessageFlags)row.GetInt64(2), row.GetInt64(3), row.IsDBNull(4) ? null : row.GetString(4), row.GetInt64(5))
            : null;
    }

    private MessageSummary Summary(long id)
    {
        using var row = _summaryById.With(id).ExecuteReader();
        row.Read();
        return SummaryRows.Read(row);
    }

    public MessageSummary? SetFlags(long accountId, long id, MessageFlags add, MessageFlags remove)
    {
        if (FindEntry(accountId, id) is not { } entry)
        {
            return null;
        }

        ApplyFlags(id, entry, add, remove);
        return Summary(id);
    }

    /// <summary>Changes an entry's flags; false (and no new modification sequence) when they stay as they are.</summary>
    private bool ApplyFlags(long id, EntryState entry, MessageFlags add, MessageFlags remove)
    {
        var flags = (entry.Flags | add) & ~remove;
        if (flags == entry.Flags)
        {
            return false;
        }

        int unreadDelta = Unread(flags) - Unread(entry.Flags);
        long modSeq = (long)_updateFolderCounts.With(0, unreadDelta, entry.Folder).ExecuteScalar()!;
        _setEntry.WithAll(entry.Folder, entry.Uid, (long)flags, modSeq, id).ExecuteNonQuery();
        return true;
    }

    public MoveOutcome? Move(long accountId, long id, string folderName)
    {
        if (FindEntry(accountId, id) is not { } entry)
        {
            return null;
        }

        var target = _folderByName.With(accountId, folderName.ToLowerInvariant()).ExecuteScalar();
        if (target is not long targetFolder)
        {
            Refuse.With(ErrorCode.NoSuchFolder, $"no folder named '{folderName}'");
            return null;
        }

        var before = Summary(id);
        if (targetFolder == entry.Folder)
        {
            return new MoveOutcome(before.Folder, before.Uid, before);
        }

        Expunge(entry);
        using var row = _bumpFolderForInsert.With(Unread(entry.Flags), targetFolder).ExecuteReader();
        row.Read();
        long uid = row.GetInt64(0);
        long modSeq = row.GetInt64(1);
        row.Close();
        _setEntry.WithAll(targetFolder, uid, (long)entry.Flags, modSeq, id).ExecuteNonQuery();
        return new MoveOutcome(before.Folder, before.Uid, Summary(id));
    }

    public MessageSummary? Delete(long accountId, long id)
    {
        if (FindEntry(accountId, id) is not { } entry)
        {
            return null;
        }

        var before = Summary(id);
        Expunge(entry);
        _deleteEntry.With(id).ExecuteNonQuery();
        DropMessageIfUnused(entry.Message);
        return before;
    }

    private void Expunge(EntryState entry)
    {
        long modSeq = (long)_updateFolderCounts.With(-1, -Unread(entry.Flags), entry.Folder).ExecuteScalar()!;
        _insertExpunged.With(entry.Folder, entry.Uid, modSeq).ExecuteNonQuery();
    }

    private void DropMessageIfUnused(long messageId)
    {
        if ((long)_messageInUse.With(messageId).ExecuteScalar()! != 0)
        {
            return;
        }

        if (!DropPending(messageId))
        {
            _deleteFts.With(messageId).ExecuteNonQuery();
        }

        _deleteMessage.With(messageId).ExecuteNonQuery();
    }

    private static int Unread(MessageFlags flags) => (flags & MessageFlags.Seen) == 0 ? 1 : 0;

    public void Dispose()
    {
        foreach (var field in new IDisposable[]
        {
            _begin, _commit, _rollback, _savepoint, _release, _rollbackTo, _findAccountByKey, _allInboxes, _bumpSpecial, _findByClientId, _insertMessage,
            _insertEntry, _insertInboxEntries, _entryState, _summaryById, _updateFolderCounts, _bumpFolderForInsert, _setEntry,
            _insertExpunged, _deleteEntry, _messageInUse, _deleteFts, _deleteMessage, _folderByName, _folderById, _folderKind, _sentCopy,
        })
        {
            field.Dispose();
        }

        DisposeIndexStatements();
        _connection.Dispose();
    }

    private sealed record EntryState(long Folder, long Uid, MessageFlags Flags, long Message, string? Special, long ModSeq);
}
