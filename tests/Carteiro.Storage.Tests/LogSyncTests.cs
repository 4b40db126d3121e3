using Carteiro.Storage.Sqlite;
using Carteiro.Storage.Sqlite.Migrations;
using Microsoft.Data.Sqlite;

namespace Carteiro.Storage.Tests;

/// <summary>
/// The writer commits without waiting for the disk; a write may be acknowledged only once the
/// log is synced. Here the sync is a gate the test holds shut, so an acknowledgement that comes
/// before it shows.
/// </summary>
public sealed class LogSyncTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"carteiro-sync-{Guid.NewGuid():N}");
    private readonly ManualResetEventSlim _diskReady = new();
    private int _flushes;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private void GatedFlush()
    {
        Assert.True(_diskReady.Wait(Patience));
        Interlocked.Increment(ref _flushes);
    }

    [Fact]
    public async Task ACommittedWrite_IsAcknowledgedOnlyAfterTheSync()
    {
        using var writer = OpenWriter();
        var sync = new LogSync(GatedFlush);
        using var queue = new WriteQueue(writer, sync);

        var created = queue.ExecuteAsync(w => w.CreateAccount("alice", "hash", isAdmin: false), savepoint: true, Ct);

        // Committed (another connection sees it), yet not acknowledged while the disk is not ready.
        await WaitUntilAsync(() => CountAccounts() == 1);
        await Task.Delay(100, Ct);
        Assert.False(created.IsCompleted);

        _diskReady.Set();
        Assert.Equal("alice", (await created.WaitAsync(Patience, Ct)).Name);
        Assert.True(Volatile.Read(ref _flushes) >= 1);
    }

    [Fact]
    public async Task WritesCommittedWhileASyncRuns_ShareTheNextOne()
    {
        using var writer = OpenWriter();
        var sync = new LogSync(GatedFlush);
        using var queue = new WriteQueue(writer, sync);
        var first = queue.ExecuteAsync(w => w.CreateAccount("first", "hash", isAdmin: false), savepoint: true, Ct);
        await WaitUntilAsync(() => CountAccounts() == 1);

        var more = Enumerable.Range(0, 20)
            .Select(i => queue.ExecuteAsync(w => w.CreateAccount($"user{i}", "hash", isAdmin: false), savepoint: true, Ct))
            .ToList();
        await WaitUntilAsync(() => CountAccounts() == 21);
        Assert.DoesNotContain(more, t => t.IsCompleted);

        _diskReady.Set();
        await Task.WhenAll([first, .. more]).WaitAsync(Patience, Ct);
        Assert.InRange(Volatile.Read(ref _flushes), 1, 2);
    }

    [Fact]
    public async Task ASyncThatFails_FailsItsWrites()
    {
        using var writer = OpenWriter();
        var sync = new LogSync(() => throw new IOException("disk gone"));
        using var queue = new WriteQueue(writer, sync);

        var error = await Assert.ThrowsAsync<IOException>(() => queue.ExecuteAsync(w => w.CreateAccount("alice", "hash", isAdmin: false), savepoint: true, Ct));

        Assert.Contains("synced to disk", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stopping_AcknowledgesWhatWasCommitted()
    {
        using var writer = OpenWriter();
        var sync = new LogSync(GatedFlush);
        var queue = new WriteQueue(writer, sync);
        var created = queue.ExecuteAsync(w => w.CreateAccount("alice", "hash", isAdmin: false), savepoint: true, Ct);
        await WaitUntilAsync(() => CountAccounts() == 1);

        var stopping = Task.Run(queue.Dispose, Ct);
        await Task.Delay(100, Ct);
        Assert.False(stopping.IsCompleted);
        _diskReady.Set();

        await stopping.WaitAsync(Patience, Ct);

        // Acknowledged, not failed; its awaiter resumes on the thread pool, after Dispose returns.
        Assert.Equal("alice", (await created.WaitAsync(Patience, Ct)).Name);
    }

    private Writer OpenWriter()
    {
        Directory.CreateDirectory(_folder);
        var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        connection.Open();
        using (var wal = connection.CreateCommand())
        {
            wal.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL";
            wal.ExecuteNonQuery();
        }

        Migrator.Apply(connection);
        return new Writer(connection, TimeProvider.System);
    }

    private string DatabasePath => Path.Combine(_folder, "carteiro.db");

    private long CountAccounts()
    {
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM accounts";
        return (long)command.ExecuteScalar()!;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(10, Ct);
        }
    }

    public void Dispose()
    {
        _diskReady.Set();
        _diskReady.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
