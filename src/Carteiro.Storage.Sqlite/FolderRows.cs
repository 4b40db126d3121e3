using Carteiro.Core.Mailboxes;
using Microsoft.Data.Sqlite;

namespace Carteiro.Storage.Sqlite;

/// <summary>The columns that make a <see cref="FolderInfo"/>, shared by reads and writes.</summary>
internal static class FolderRows
{
    public const string Columns = "id, name, total, unread, uid_validity, uid_next, highest_modseq, subscribed";

    public static FolderInfo Read(SqliteDataReader row) => new(
        row.GetInt64(0), row.GetString(1), (int)row.GetInt64(2), (int)row.GetInt64(3), row.GetInt64(4), row.GetInt64(5), row.GetInt64(6),
        row.GetInt64(7) != 0);
}
