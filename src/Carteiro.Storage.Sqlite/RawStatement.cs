using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Carteiro.Storage.Sqlite;

/// <summary>
/// A statement prepared once on the writer's connection and driven through SQLite's C API, for
/// the few statements every send runs. Through <see cref="SqliteCommand"/> each execution also
/// made a reader, looked its parameters up by name and boxed their values; perf put about a fifth
/// of the writer's samples in that layer and the interop under it. Values bind by position
/// (1-based, as in SQLite); text binds from the string's characters, with no managed UTF-8 copy.
/// Errors surface as <see cref="SqliteException"/>, as from a command.
/// </summary>
internal sealed class RawStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public RawStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("the connection is not open");
        int rc = raw.sqlite3_prepare_v3(_db, sql, raw.SQLITE_PREPARE_PERSISTENT, out _statement, out string tail);
        SqliteException.ThrowExceptionForRC(rc, _db);
        if (!string.IsNullOrWhiteSpace(tail))
        {
            throw new ArgumentException("one statement only", nameof(sql));
        }
    }

    public RawStatement Bind(int index, long value) => Checked(raw.sqlite3_bind_int64(_statement, index, value));

    public RawStatement Bind(int index, string? value) =>
        Checked(value is null ? raw.sqlite3_bind_null(_statement, index) : raw.sqlite3_bind_text16(_statement, index, value.AsSpan()));

    public RawStatement Bind(int index, ReadOnlySpan<byte> value) => Checked(raw.sqlite3_bind_blob(_statement, index, value));

    public RawStatement Bind(int index, long? value) =>
        Checked(value is { } number ? raw.sqlite3_bind_int64(_statement, index, number) : raw.sqlite3_bind_null(_statement, index));

    /// <summary>Runs a statement that returns no rows.</summary>
    public void Execute()
    {
        try
        {
            while (Step())
            {
            }
        }
        finally
        {
            Reset();
        }
    }

    /// <summary>Runs the statement and returns the first column of its first row, or null without one.</summary>
    public long? Int64OrNull()
    {
        try
        {
            return Step() && raw.sqlite3_column_type(_statement, 0) != raw.SQLITE_NULL ? raw.sqlite3_column_int64(_statement, 0) : null;
        }
        finally
        {
            Reset();
        }
    }

    /// <summary>Runs the statement; read its rows, then dispose the result to end the run.</summary>
    public Rows Query() => new(this);

    /// <summary>The rows of one run, read like a data reader; disposing it readies the statement again.</summary>
    public readonly ref struct Rows(RawStatement owner)
    {
        /// <summary>Moves to the next row; false when there is none.</summary>
        public bool Read() => owner.Step();

        public long Int64(int column) => raw.sqlite3_column_int64(owner._statement, column);

        public string Text(int column) => raw.sqlite3_column_text(owner._statement, column).utf8_to_string();

        public bool IsNull(int column) => raw.sqlite3_column_type(owner._statement, column) == raw.SQLITE_NULL;

        public void Dispose() => owner.Reset();
    }

    private bool Step()
    {
        int rc = raw.sqlite3_step(_statement);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }

        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }

        return false;
    }

    // Leaves the statement ready for the next run with no values bound (a value left bound from
    // one send must never reach another's row), and its read of the database ended.
    private void Reset()
    {
        raw.sqlite3_reset(_statement);
        raw.sqlite3_clear_bindings(_statement);
    }

    private RawStatement Checked(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            Reset();
            SqliteException.ThrowExceptionForRC(rc, _db);
        }

        return this;
    }

    public void Dispose() => _statement.Dispose();
}
