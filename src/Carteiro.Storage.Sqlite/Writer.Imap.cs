using Carteiro.Core.Errors;
using Carteiro.Core.Mailboxes;
using Carteiro.Core.Messages;
using Carteiro.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Carteiro.Storage.Sqlite;

/// <summary>What mail programs do to their own folders and entries (IMAP): folder upkeep, appends, copies and batches.</summary>
internal sealed partial class Writer
{
    private FolderInfo FolderById(long id)
    {
        using var row = _folderById.With(id).ExecuteReader();
        row.Read();
        return FolderRows.Read(row);
    }

    private (long Id, string? Special)? FindFolder(long accountId, string name)
    {
        using var row = _folderKind.With(accountId, name.ToLowerInvariant()).ExecuteReader();
        return row.Read() ? (row.GetInt64(0), row.IsDBNull(1) ? null : row.GetString(1)) : null;
    }

    // The folders below one: their keys start with "key/". '0' follows '/', so this is a range
    // scan of the (account_id, name_key) index.
    private const string BelowFolder = "account_id = $a AND name_key > $below AND name_key < $after";

    private static (string Below, string After) BelowRange(string key) => (key + "/", key + "0");

    public FolderInfo? RenameFolder(long accountId, string name, string newName)
    {
        if (FindFolder(accountId, name) is not { } folder)
        {
            return null;
        }

        if (folder.Special is not null)
        {
            Refuse.With(ErrorCode.Forbidden, $"'{name}' is a standard folder and keeps its name");
        }

        string oldKey = name.ToLowerInvariant();
        string newKey = newName.ToLowerInvariant();
        if (newKey.StartsWith(oldKey + "/", StringComparison.Ordinal))
        {
            Refuse.With(ErrorCode.Forbidden, $"'{name}' cannot move below itself");
        }

        // The folder and everything below it, each keeping its suffix after the renamed part.
        var renamed = new List<(long Id, string Name)>();
        var (below, after) = BelowRange(oldKey);
        using (var select = Sql.Prepare(_connection, $"SELECT id, name FROM folders WHERE id = $id OR ({BelowFolder})", "$id", "$a", "$below", "$after"))
        using (var row = select.WithAll(folder.Id, accountId, below, after).ExecuteReader())
        {
            while (row.Read())
            {
                string current = row.GetString(1);
                renamed.Add((row.GetInt64(0), newName + current[oldKey.Length..]));
            }
        }

        var ids = renamed.Select(r => r.Id).ToHashSet();
        foreach (var (_, target) in renamed)
        {
            if (_folderByName.With(accountId, target.ToLowerInvariant()).ExecuteScalar() is long holder && !ids.Contains(holder))
            {
                Refuse.With(ErrorCode.NameTaken, $"there is already a folder named '{target}'");
            }
        }

        // Two steps, so that no name is held by two folders in between (renaming A/B to A moves
        // A/B/B to A/B). A line break cannot be in a name, so the interim keys meet no real one.
        foreach (var (id, _) in renamed)
        {
            Run("UPDATE folders SET name_key = $k WHERE id = $id", "\n" + id.ToString(System.Globalization.CultureInfo.InvariantCulture), id);
        }

        foreach (var (id, target) in renamed)
        {
            Run("UPDATE folders SET name = $n, name_key = $k WHERE id = $id", target, target.ToLowerInvariant(), id);
        }

        return FolderById(folder.Id);
    }

    public bool DeleteFolder(long accountId, string name)
    {
        if (FindFolder(accountId, name) is not { } folder)
        {
            return false;
        }

        if (folder.Special is not null)
        {
            Refuse.With(ErrorCode.Forbidden, $"'{name}' is a standard folder and cannot be deleted");
        }

        var (below, after) = BelowRange(name.ToLowerInvariant());
        using (var children = Sql.Prepare(_connection, $"SELECT EXISTS (SELECT 1 FROM folders WHERE {BelowFolder})", "$a", "$below", "$after"))
        {
            if ((long)children.WithAll(accountId, below, after).ExecuteScalar()! != 0)
            {
                Refuse.With(ErrorCode.Forbidden, $"'{name}' has folders below it; delete them first");
            }
        }

        var messages = new List<long>();
        using (var select = Sql.Prepare(_connection, "SELECT DISTINCT message_id FROM entries WHERE folder_id = $f", "$f"))
        using (var row = select.With(folder.Id).ExecuteReader())
        {
            while (row.Read())
            {
                messages.Add(row.GetInt64(0));
            }
        }

        // Nothing goes to expunged: nobody can ask the folder for its changes any more, and a
        // folder made later may get this id.
        Run("DELETE FROM entries WHERE folder_id = $f", folder.Id);
        foreach (long message in messages)
        {
            DropMessageIfUnused(message);
        }

        Run("DELETE FROM expunged WHERE folder_id = $f", folder.Id);
        Run("DELETE FROM folders WHERE id = $f", folder.Id);
        return true;
    }

    public bool SetSubscribed(long accountId, string name, bool subscribed) =>
        Run("UPDATE folders SET subscribed = $s WHERE account_id = $a AND name_key = $k", subscribed ? 1 : 0, accountId, name.ToLowerInvariant()) > 0;

    public AppendOutcome? Append(long accountId, string folderName, AppendedMessage message)
    {
        if (FindFolder(accountId, folderName) is not { } folder)
        {
            return null;
        }

        // A mail program that sent through the server saves its own copy to Sent as well; the
        // server filed one there already, so the second is the first.
        if (folder.Special == "sent" && message.MessageIdHeader.Length > 0
            && _sentCopy.WithAll(message.MessageIdHeader, accountId, folder.Id).ExecuteScalar() is long first)
        {
            return new AppendOutcome(FolderById(folder.Id), Summary(first), Duplicate: true);
        }

        // Millisecond precision: what is stored is what is read back.
        long date = Sql.ToUnixMs(message.Date);
        string names = string.Join(' ', [message.From, .. message.To, .. message.Cc]);
        long messageId = InsertMessageRow(
            null, message.From, null, date, message.Subject, message.Body, Snippet.Of(message.Body),
            SummaryRows.Join(message.To), SummaryRows.Join(message.Cc), "", everyone: false, names, message.Attachments,
            null, null, message.MessageIdHeader, message.Mime.Span);

        var (uid, modSeq) = BumpForInsert(folder.Id, message.Flags);
        long id = InsertEntry(accountId, folder.Id, uid, messageId, message.Flags, modSeq);
        return new AppendOutcome(FolderById(folder.Id), Summary(id), Duplicate: false);
    }

    private (long Uid, long ModSeq) BumpForInsert(long folderId, MessageFlags flags)
    {
        using var row = _bumpFolderForInsert.With(Unread(flags), folderId).ExecuteReader();
        row.Read();
        return (row.GetInt64(0), row.GetInt64(1));
    }

    public CopyOutcome Copy(long accountId, IReadOnlyList<long> ids, string folderName)
    {
        if (_folderByName.With(accountId, folderName.ToLowerInvariant()).ExecuteScalar() is not long target)
        {
            Refuse.With(ErrorCode.NoSuchFolder, $"no folder named '{folderName}'");
            return null!;
        }

        var copies = new List<CopiedEntry>(ids.Count);
        foreach (long id in ids)
        {
            if (FindEntry(accountId, id) is not { } entry)
            {
                continue;
            }

            // A new entry for the same message row: messages are stored once however often filed.
            var (uid, modSeq) = BumpForInsert(target, entry.Flags);
            long copy = InsertEntry(accountId, target, uid, entry.Message, entry.Flags, modSeq);
            copies.Add(new CopiedEntry(id, entry.Uid, Summary(copy)));
        }

        return new CopyOutcome(FolderById(target), copies);
    }

    public FlagsOutcome SetFlags(long accountId, IReadOnlyList<long> ids, MessageFlags add, MessageFlags remove, long? unchangedSince)
    {
        var changed = new List<MessageSummary>();
        var modified = new List<long>();
        foreach (long id in ids)
        {
            if (FindEntry(accountId, id) is not { } entry)
            {
                continue;
            }

            // CONDSTORE (RFC 7162): an entry changed after the caller last looked is left alone.
            if (unchangedSince is { } since && entry.ModSeq > since)
            {
                modified.Add(id);
                continue;
            }

            if (ApplyFlags(id, entry, add, remove))
            {
                changed.Add(Summary(id));
            }
        }

        return new FlagsOutcome(changed, modified);
    }

    public IReadOnlyList<MoveOutcome> Move(long accountId, IReadOnlyList<long> ids, string folderName)
    {
        // Refused even when no id is found, as the single move would refuse a found one.
        if (_folderByName.With(accountId, folderName.ToLowerInvariant()).ExecuteScalar() is not long)
        {
            Refuse.With(ErrorCode.NoSuchFolder, $"no folder named '{folderName}'");
        }

        var moves = new List<MoveOutcome>(ids.Count);
        foreach (long id in ids)
        {
            if (Move(accountId, id, folderName) is { } moved)
            {
                moves.Add(moved);
            }
        }

        return moves;
    }

    public IReadOnlyList<MessageSummary> Delete(long accountId, IReadOnlyList<long> ids)
    {
        var deleted = new List<MessageSummary>(ids.Count);
        foreach (long id in ids)
        {
            if (Delete(accountId, id) is { } gone)
            {
                deleted.Add(gone);
            }
        }

        return deleted;
    }
}
