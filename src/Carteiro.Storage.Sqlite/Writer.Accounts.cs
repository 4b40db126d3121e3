using Carteiro.Core.Accounts;
using Carteiro.Core.Errors;
using Carteiro.Core.Mailboxes;
using Microsoft.Data.Sqlite;

namespace Carteiro.Storage.Sqlite;

internal sealed partial class Writer
{
    public Account CreateAccount(string name, string passwordHash, bool isAdmin)
    {
        string key = UserName.Normalize(name);
        if (_findAccountByKey.Bind(1, key).Int64OrNull() is not null)
        {
            Refuse.With(ErrorCode.NameTaken, $"the name '{name}' is taken");
        }

        var now = Now;
        using var insert = Sql.Prepare(_connection, """
            INSERT INTO accounts (name, name_key, password_hash, is_admin, created_at) VALUES ($n, $k, $h, $a, $c) RETURNING id
            """, "$n", "$k", "$h", "$a", "$c");
        long id = (long)insert.WithAll(name, key, passwordHash, isAdmin ? 1 : 0, Sql.ToUnixMs(now)).ExecuteScalar()!;
        foreach (string folder in FolderNames.Standard)
        {
            InsertFolder(id, folder, folder.ToLowerInvariant());
        }

        return new Account(id, name, isAdmin, Sql.FromUnixMs(Sql.ToUnixMs(now)));
    }

    public long InsertFolder(long accountId, string name, string? special)
    {
        using var insert = Sql.Prepare(_connection, """
            INSERT INTO folders (account_id, name, name_key, special, uid_validity) VALUES ($a, $n, $k, $s, $v)
            ON CONFLICT (account_id, name_key) DO NOTHING RETURNING id
            """, "$a", "$n", "$k", "$s", "$v");
        var id = insert.WithAll(accountId, name, name.ToLowerInvariant(), special, NextUidValidity()).ExecuteScalar();
        if (id is long created)
        {
            return created;
        }

        return (long)_folderByName.With(accountId, name.ToLowerInvariant()).ExecuteScalar()!;
    }

    // The last UID validity handed out, committed or not: values only ever go up.
    private long _lastUidValidity;

    /// <summary>
    /// A UID validity no folder had before: a folder deleted (or renamed away) and made again under
    /// the same name must not look to a mail program like the old one, whose UIDs it may still hold.
    /// Seconds since the epoch alone repeat within a second, so the value also stays above every one
    /// stored and every one this writer gave (a rolled-back creation's included).
    /// </summary>
    private long NextUidValidity()
    {
        using var max = Sql.Prepare(_connection, "SELECT COALESCE(MAX(uid_validity), 0) FROM folders");
        long value = Math.Max(Now.ToUnixTimeSeconds(), Math.Max((long)max.ExecuteScalar()! + 1, _lastUidValidity + 1));

        // IMAP carries it in 32 bits (seconds fill them in 2106). Wrapping around would hand out
        // values already used, which is the one thing a UID validity must not do.
        if (value > uint.MaxValue)
        {
            Refuse.With(ErrorCode.Internal, "no UID validity left for a new folder");
        }

        _lastUidValidity = value;
        return value;
    }

    public bool SetPassword(long accountId, string passwordHash)
    {
        int changed = Run("UPDATE accounts SET password_hash = $p WHERE id = $a", passwordHash, accountId);
        Run("DELETE FROM tokens WHERE account_id = $a", accountId);
        return changed > 0;
    }

    public bool SetAdmin(long accountId, bool isAdmin) => Run("UPDATE accounts SET is_admin = $v WHERE id = $a", isAdmin ? 1 : 0, accountId) > 0;

    public bool RemoveAccount(long accountId)
    {
        var messages = new List<long>();
        using (var select = Sql.Prepare(_connection, "SELECT DISTINCT message_id FROM entries WHERE folder_id IN (SELECT id FROM folders WHERE account_id = $a)", "$a"))
        using (var row = select.With(accountId).ExecuteReader())
        {
            while (row.Read())
            {
                messages.Add(row.GetInt64(0));
            }
        }

        Run("DELETE FROM entries WHERE folder_id IN (SELECT id FROM folders WHERE account_id = $a)", accountId);
        foreach (long message in messages)
        {
            DropMessageIfUnused(message);
        }

        Run("DELETE FROM tokens WHERE account_id = $a", accountId);
        Run("DELETE FROM expunged WHERE folder_id IN (SELECT id FROM folders WHERE account_id = $a)", accountId);
        Run("DELETE FROM folders WHERE account_id = $a", accountId);
        return Run("DELETE FROM accounts WHERE id = $a", accountId) > 0;
    }

    public void AddToken(long accountId, byte[] digest, string label) =>
        Run("INSERT INTO tokens (digest, account_id, label, created_at) VALUES ($d, $a, $l, $c)", digest, accountId, label, Sql.ToUnixMs(Now));

    public bool RemoveToken(byte[] digest) => Run("DELETE FROM tokens WHERE digest = $d", digest) > 0;

    private int Run(string sql, params object?[] values)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        int i = 0;
        foreach (var name in ParameterNames(sql))
        {
            command.Parameters.Add(new SqliteParameter(name, values[i++] ?? DBNull.Value));
        }

        return command.ExecuteNonQuery();
    }

    private static List<string> ParameterNames(string sql)
    {
        var seen = new List<string>();
        for (int i = 0; i < sql.Length; i++)
        {
            if (sql[i] != '$')
            {
                continue;
            }

            int end = i + 1;
            while (end < sql.Length && char.IsAsciiLetterOrDigit(sql[end]))
            {
                end++;
            }

            string name = sql[i..end];
            if (!seen.Contains(name))
            {
                seen.Add(name);
            }
        }

        return seen;
    }
}
