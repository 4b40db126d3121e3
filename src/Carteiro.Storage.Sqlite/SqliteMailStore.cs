using Carteiro.Core.Accounts;
using Carteiro.Core.Errors;
using Carteiro.Core.Mailboxes;
using Carteiro.Core.Messages;
using Carteiro.Core.Storage;
using Carteiro.Storage.Sqlite.Migrations;
using Microsoft.Data.Sqlite;

namespace Carteiro.Storage.Sqlite;

/// <summary>
/// The SQLite store: one file in WAL mode. Writes go through one group-committing writer thread,
/// and each is acknowledged only once its commit is synced to disk (<see cref="LogSync"/>); reads
/// use a pool of read-only connections.
/// </summary>
public sealed partial class SqliteMailStore : IMailStore
{
    private readonly string _path;
    private readonly TimeProvider _time;
    private readonly FolderNumberings _numberings = new();
    private ReaderPool? _readers;
    private WriteQueue? _queue;
    private Writer? _writer;
    private Checkpointer? _checkpointer;

    /// <summary>Creates a store over the database file at <paramref name="path"/> (made if missing).</summary>
    public SqliteMailStore(string path, TimeProvider? time = null)
    {
        _path = path;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The database file.</summary>
    public string Path => _path;

    /// <inheritdoc />
    public Task InitializeAsync(CancellationToken cancellationToken)
    {
        SqliteLibrary.EnsureConfigured();
        string connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString();
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        Sql.Execute(connection, "PRAGMA journal_mode = WAL");
        // The writer's commits do not wait for the disk: LogSync syncs the log behind them and
        // acknowledges nothing before that. Checkpoints still sync at NORMAL.
        Sql.Execute(connection, "PRAGMA synchronous = NORMAL");
        Sql.Execute(connection, "PRAGMA foreign_keys = ON");
        StoredBody.Register(connection);
        Sql.Execute(connection, "PRAGMA busy_timeout = 30000");

        // The per-write savepoints journal the pages each write touches; keep that sub-journal in
        // memory, or SQLite spills it to a temp file and writes every hot page twice per send.
        Sql.Execute(connection, "PRAGMA temp_store = MEMORY");

        // The writer rereads the same index pages (every account's inbox, the newest entries) for
        // every batch: 2 MB of cache (the default) evicted them between batches and made a message
        // to everyone spill pages to the log before its commit. Reads use their own connections.
        Sql.Execute(connection, $"PRAGMA cache_size = -{WriterCacheKiB}");
        _ = NativeHeap.KeepFreedMemory();
        // Checkpoints run on their own thread (Checkpointer); the writer's own, at a much longer
        // log, is only the backstop should that thread fall behind. Under 64 KiB sends from 50
        // senders the log outgrew a 16 MiB backstop between that thread's rounds (a pause, the
        // copy, the database's fsync), and the writer did the copying and the fsync itself while
        // every sender waited; at 64 MiB it leaves them to that thread (12-15% more such sends a
        // second, 17% less writer time a send).
        Sql.Execute(connection, $"PRAGMA wal_autocheckpoint = {BackstopCheckpointPages}");

        // A log that a burst stretched is cut back when it starts over, not kept at its largest
        // (nor below the backstop, which a busy log reaches again at once).
        Sql.Execute(connection, $"PRAGMA journal_size_limit = {LogSizeLimitBytes}");
        Migrator.Apply(connection);
        _checkpointer = new Checkpointer(connectionString);
        _writer = new Writer(connection, _time) { Committed = _checkpointer.Committed };
        _queue = new WriteQueue(_writer, LogSync.ForDatabase(_path));
        _readers = new ReaderPool(connectionString);
        return Task.CompletedTask;
    }

    private const int WriterCacheKiB = 64 * 1024;
    private const int BackstopCheckpointPages = 16 * 1024;
    private const long LogSizeLimitBytes = 64L * 1024 * 1024;

    /// <summary>Queues a write; see <see cref="WriteQueue.ExecuteAsync"/> for <paramref name="savepoint"/>.</summary>
    private Task<T> WriteAsync<T>(Func<Writer, T> work, CancellationToken cancellationToken, bool savepoint = true)
    {
        var queue = _queue ?? throw (_disposed ? new ObjectDisposedException(nameof(SqliteMailStore)) : new InvalidOperationException("the store is not initialized"));
        return queue.ExecuteAsync(work, savepoint, cancellationToken);
    }

    // Reads run on the caller's thread, but no more of them at once than the machine can use:
    // beyond that, SQLite's mutexes and the handles' reference counts cost more than they give.
    private bool _disposed;

    private readonly SemaphoreSlim _readSlots = new(Math.Max(4, Environment.ProcessorCount * 2));

    private Task<T> ReadAsync<T>(Func<Reader, T> work, CancellationToken cancellationToken, bool mapped = false)
    {
        if (_readSlots.Wait(0, CancellationToken.None))
        {
            try
            {
                return Task.FromResult(Read(work, mapped));
            }
            finally
            {
                _readSlots.Release();
            }
        }

        return WaitForSlotAsync();

        async Task<T> WaitForSlotAsync()
        {
            await _readSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return Read(work, mapped);
            }
            finally
            {
                _readSlots.Release();
            }
        }
    }

    private T Read<T>(Func<Reader, T> work, bool mapped = false)
    {
        var pool = _readers ?? throw (_disposed ? new ObjectDisposedException(nameof(SqliteMailStore)) : new InvalidOperationException("the store is not initialized"));
        var reader = pool.Rent(mapped);
        try
        {
            return work(reader);
        }
        finally
        {
            pool.Return(reader);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _queue?.Dispose();
        _checkpointer?.Dispose();
        _writer?.Dispose();
        _readers?.Dispose();
        _queue = null;
        _writer = null;
        _readers = null;
        _disposed = true;

        // _readSlots stays undisposed: a read finishing now must still release its slot, and one
        // waiting for a slot must still get it (and then find the store closed), not wait forever.
        SqliteConnection.ClearAllPools();
        return ValueTask.CompletedTask;
    }

    // Accounts

    /// <inheritdoc />
    public Task<Account> CreateAccountAsync(string name, string passwordHash, bool isAdmin, CancellationToken cancellationToken) =>
        WriteAsync(w => w.CreateAccount(name, passwordHash, isAdmin), cancellationToken);

    private const string AccountColumns = "id, name, is_admin, created_at";

    private static Account ReadAccount(SqliteDataReader row) =>
        new(row.GetInt64(0), row.GetString(1), row.GetInt64(2) != 0, Sql.FromUnixMs(row.GetInt64(3)));

    /// <inheritdoc />
    public Task<Account?> FindAccountAsync(string name, CancellationToken cancellationToken) => ReadAsync(r =>
    {
        using var row = r.Command($"SELECT {AccountColumns} FROM accounts WHERE name_key = $k", "$k").With(UserName.Normalize(name)).ExecuteReader();
        return row.Read() ? ReadAccount(row) : null;
    }, cancellationToken);

    /// <inheritdoc />
    public Task<AccountCredentials?> FindCredentialsAsync(string name, CancellationToken cancellationToken) => ReadAsync(r =>
    {
        using var row = r.Command($"SELECT {AccountColumns}, password_hash FROM accounts WHERE name_key = $k", "$k").With(UserName.Normalize(name)).ExecuteReader();
        return row.Read() ? new AccountCredentials(ReadAccount(row), row.GetString(4)) : null;
    }, cancellationToken);

    /// <inheritdoc />
    public Task<Account?> GetAccountAsync(long accountId, CancellationToken cancellationToken) => ReadAsync(r =>
    {
        using var row = r.Command($"SELECT {AccountColumns} FROM accounts WHERE id = $id", "$id").With(accountId).ExecuteReader();
        return row.Read() ? ReadAccount(row) : null;
    }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<Account>> ListAccountsAsync(CancellationToken cancellationToken) => ReadAsync<IReadOnlyList<Account>>(r =>
    {
        var accounts = new List<Account>();
        using var row = r.Command($"SELECT {AccountColumns} FROM accounts ORDER BY name_key").ExecuteReader();
        while (row.Read())
        {
            accounts.Add(ReadAccount(row));
        }

        return accounts;
    }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> CompleteNamesAsync(string prefix, int limit, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<string>>(r =>
        {
            string key = UserName.Normalize(prefix);
            var names = new List<string>();
            // Range scan on the unique index: [key, key + U+FFFF).
            using var row = r.Command("SELECT name FROM accounts WHERE name_key >= $a AND name_key < $b ORDER BY name_key LIMIT $l", "$a", "$b", "$l")
                .With(key, key + '\uffff', limit).ExecuteReader();
            while (row.Read())
            {
                names.Add(row.GetString(0));
            }

            return names;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> SetPasswordAsync(long accountId, string passwordHash, CancellationToken cancellationToken) =>
        WriteAsync(w => w.SetPassword(accountId, passwordHash), cancellationToken);

    /// <inheritdoc />
    public Task<bool> SetAdminAsync(long accountId, bool isAdmin, CancellationToken cancellationToken) =>
        WriteAsync(w => w.SetAdmin(accountId, isAdmin), cancellationToken);

    /// <inheritdoc />
    public Task<bool> RemoveAccountAsync(long accountId, CancellationToken cancellationToken) =>
        WriteAsync(w => w.RemoveAccount(accountId), cancellationToken);

    /// <inheritdoc />
    public Task AddTokenAsync(long accountId, byte[] digest, string label, CancellationToken cancellationToken) =>
        WriteAsync(w =>
        {
            w.AddToken(accountId, digest, label);
            return true;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<Account?> FindTokenAsync(byte[] digest, CancellationToken cancellationToken) => ReadAsync(r =>
    {
        using var row = r.Command("SELECT a.id, a.name, a.is_admin, a.created_at FROM tokens t JOIN accounts a ON a.id = t.account_id WHERE t.digest = $d", "$d")
            .With(digest).ExecuteReader();
        return row.Read() ? ReadAccount(row) : null;
    }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> RemoveTokenAsync(byte[] digest, CancellationToken cancellationToken) =>
        WriteAsync(w => w.RemoveToken(digest), cancellationToken);
}
