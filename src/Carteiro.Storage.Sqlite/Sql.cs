using Microsoft.Data.Sqlite;

namespace Carteiro.Storage.Sqlite;

/// <summary>Small helpers for prepared commands: the store reuses each command for its lifetime.</summary>
internal static class Sql
{
    public static SqliteCommand Prepare(SqliteConnection connection, string text, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = text;
        foreach (string name in parameters)
        {
            command.Parameters.Add(new SqliteParameter(name, null));
        }

        return command;
    }

    public static SqliteCommand With(this SqliteCommand command, object? p0)
    {
        command.Parameters[0].Value = p0 ?? DBNull.Value;
        return command;
    }

    public static SqliteCommand With(this SqliteCommand command, object? p0, object? p1)
    {
        command.Parameters[0].Value = p0 ?? DBNull.Value;
        command.Parameters[1].Value = p1 ?? DBNull.Value;
        return command;
    }

    public static SqliteCommand With(this SqliteCommand command, object? p0, object? p1, object? p2)
    {
        command.Parameters[0].Value = p0 ?? DBNull.Value;
        command.Parameters[1].Value = p1 ?? DBNull.Value;
        command.Parameters[2].Value = p2 ?? DBNull.Value;
        return command;
    }

    public static SqliteCommand WithAll(this SqliteCommand command, params object?[] values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }

        return command;
    }

    public static void Execute(SqliteConnection connection, string text)
    {
        using var command = connection.CreateCommand();
        command.CommandText = text;
        command.ExecuteNonQuery();
    }

    /// <summary>True when no transaction is open on the connection (SQLite's autocommit mode).</summary>
    public static bool AutoCommitMode(this SqliteConnection connection) =>
        SQLitePCL.raw.sqlite3_get_autocommit(connection.Handle) != 0;

    public static long ToUnixMs(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromUnixMs(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);
}
