using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Carteiro.Storage.Sqlite;

/// <summary>
/// Read connections, each keeping its prepared statements. WAL lets them read while the writer
/// commits; each read sees the last committed state.
/// <para>
/// Two kinds. Most reads are lookups of a few pages and use connections without a memory map:
/// SQLite drops a connection's whole map at its first read after any commit and maps and faults it
/// in again, so under a steady stream of sends every mapped lookup paid an unmap and a round of TLB
/// shootdowns (without the map, one SMTP sender's messages cost the server ~25% less CPU). Reads
/// of many documents (IMAP SEARCH TEXT and FETCH of bodies) use mapped connections: there the
/// remap is paid once for thousands of pages that then cost no system call and no copy.
/// </para>
/// </summary>
internal sealed class ReaderPool : IDisposable
{
    private const int MaxIdle = 256;

    // Address space only; what is resident is what the OS caches anyway. Larger files read the
    // rest through ordinary reads.
    private const long MemoryMapBytes = 4L * 1024 * 1024 * 1024;

    private readonly string _connectionString;
    private readonly ConcurrentBag<Reader> _idle = [];
    private readonly ConcurrentBag<Reader> _idleMapped = [];

    public ReaderPool(string connectionString) => _connectionString = connectionString;

    public Reader Rent(bool mapped = false)
    {
        if ((mapped ? _idleMapped : _idle).TryTake(out var reader))
        {
            return reader;
        }

        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        Sql.Execute(connection, "PRAGMA query_only = ON");
        StoredBody.Register(connection);
        if (mapped)
        {
            Sql.Execute(connection, $"PRAGMA mmap_size = {MemoryMapBytes}");
        }

        return new Reader(connection, mapped);
    }

    public void Return(Reader reader)
    {
        var idle = reader.Mapped ? _idleMapped : _idle;
        if (idle.Count < MaxIdle)
        {
            idle.Add(reader);
        }
        else
        {
            reader.Dispose();
        }
    }

    public void Dispose()
    {
        while (_idle.TryTake(out var reader) || _idleMapped.TryTake(out reader))
        {
            reader.Dispose();
        }
    }
}

/// <summary>One read connection and its statement cache.</summary>
internal sealed class Reader(SqliteConnection connection, bool mapped) : IDisposable
{
    /// <summary>Whether the connection reads through a memory map (<see cref="ReaderPool"/>).</summary>
    public bool Mapped => mapped;

    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    public SqliteCommand Command(string sql, params string[] parameters)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = Sql.Prepare(connection, sql, parameters);
            _commands[sql] = command;
        }

        return command;
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one read transaction: every statement in it sees the same
    /// committed state (one WAL snapshot), whatever the writer commits meanwhile.
    /// </summary>
    public T Snapshot<T>(Func<Reader, T> work)
    {
        Command("BEGIN").ExecuteNonQuery();
        try
        {
            return work(this);
        }
        finally
        {
            // Always ended, or the connection would go back to the pool pinned to this snapshot.
            Command("COMMIT").ExecuteNonQuery();
        }
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        connection.Dispose();
    }
}
