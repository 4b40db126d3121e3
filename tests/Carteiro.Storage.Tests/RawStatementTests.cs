using Carteiro.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Carteiro.Storage.Tests;

/// <summary>The writer's statements driven through SQLite's C API, on a real database file.</summary>
public sealed class RawStatementTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"carteiro-raw-{Guid.NewGuid():N}.db");
    private readonly SqliteConnection _connection;

    public RawStatementTests()
    {
        _connection = new SqliteConnection($"Data Source={_path};Pooling=False");
        _connection.Open();
        Sql.Execute(_connection, "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, note TEXT, data BLOB NOT NULL)");
    }

    [Fact]
    public void Values_RoundTripAsBound_EmptyOnesStayEmpty()
    {
        using var insert = new RawStatement(_connection, "INSERT INTO t (name, note, data) VALUES (?1, ?2, ?3) RETURNING id");
        using var select = new RawStatement(_connection, "SELECT name, note, length(data), typeof(name), typeof(data) FROM t WHERE id = ?1");

        long first = insert.Bind(1, "Ünïcode ✉").Bind(2, (string?)null).Bind(3, [1, 2, 3]).Int64OrNull()!.Value;
        long second = insert.Bind(1, "").Bind(2, "note").Bind(3, ReadOnlySpan<byte>.Empty).Int64OrNull()!.Value;

        using (var row = select.Bind(1, first).Query())
        {
            Assert.True(row.Read());
            Assert.Equal(("Ünïcode ✉", true, 3L), (row.Text(0), row.IsNull(1), row.Int64(2)));
        }

        using (var row = select.Bind(1, second).Query())
        {
            Assert.True(row.Read());
            Assert.Equal(("", "note", 0L, "text", "blob"), (row.Text(0), row.Text(1), row.Int64(2), row.Text(3), row.Text(4)));
            Assert.False(row.Read());
        }
    }

    [Fact]
    public void AFailure_IsASqliteException_AndTheStatementRunsAgain()
    {
        using var insert = new RawStatement(_connection, "INSERT INTO t (name, data) VALUES (?1, x'00')");
        insert.Bind(1, "alice").Execute();

        var error = Assert.Throws<SqliteException>(() => insert.Bind(1, "alice").Execute());
        Assert.Equal(19, error.SqliteErrorCode); // SQLITE_CONSTRAINT
        Assert.Contains("UNIQUE", error.Message, StringComparison.Ordinal);

        insert.Bind(1, "bob").Execute();
        using var count = new RawStatement(_connection, "SELECT COUNT(*) FROM t");
        Assert.Equal(2, count.Int64OrNull());
    }

    [Fact]
    public void AQueryReadPartway_StartsOverOnceDisposed()
    {
        using var insert = new RawStatement(_connection, "INSERT INTO t (name, data) VALUES (?1, x'00')");
        using var names = new RawStatement(_connection, "SELECT name FROM t ORDER BY name");
        insert.Bind(1, "a").Execute();
        insert.Bind(1, "b").Execute();

        for (int run = 0; run < 2; run++)
        {
            using var row = names.Query();
            Assert.True(row.Read());
            Assert.Equal("a", row.Text(0));
        }
    }

    public void Dispose()
    {
        _connection.Dispose();
        File.Delete(_path);
    }
}
