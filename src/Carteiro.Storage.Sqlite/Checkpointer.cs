using Microsoft.Data.Sqlite;

namespace Carteiro.Storage.Sqlite;

/// <summary>
/// Copies committed pages from the write-ahead log back into the database file on a thread of its
/// own. Left to SQLite, the commit that fills the log past 1,000 pages does that copy (and the
/// database file's fsync) on the writer thread, so every sender waiting on that commit waited for
/// it too. Here the writer only appends to the log (and <see cref="LogSync"/> syncs it); this thread
/// checkpoints behind it, at most once per <see cref="Pause"/>, and the writer restarts the log
/// once it is all copied.
/// </summary>
internal sealed class Checkpointer : IDisposable
{
    /// <summary>How long commits gather before a checkpoint: fewer, larger copies and fsyncs.</summary>
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(100);

    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _checkpoint;
    private readonly WakeSignal _signal = new();
    private readonly ManualResetEventSlim _stopping = new();
    private readonly Thread _thread;

    public Checkpointer(string connectionString)
    {
        _connection = new SqliteConnection(connectionString);
        _connection.Open();

        // The checkpoint's fsync of the database file is what makes the copied pages safe to
        // overwrite in the log; it must not be skipped.
        Sql.Execute(_connection, "PRAGMA synchronous = FULL");
        _checkpoint = Sql.Prepare(_connection, "PRAGMA wal_checkpoint(PASSIVE)");
        _thread = new Thread(Run) { IsBackground = true, Name = "carteiro-checkpoint" };
        _thread.Start();
    }

    /// <summary>A transaction committed: there is something to copy back.</summary>
    public void Committed() => _signal.Set();

    private void Run()
    {
        while (true)
        {
            _signal.Wait(Timeout.InfiniteTimeSpan);
            if (_stopping.IsSet || _stopping.Wait(Pause))
            {
                return;
            }

            try
            {
                // PASSIVE: copies what no reader still needs, never waits for a lock and never
                // blocks the writer, which keeps appending meanwhile.
                _checkpoint.ExecuteNonQuery();
            }
            catch (SqliteException)
            {
                // A busy or failed checkpoint loses nothing: the pages stay in the log, the next
                // commit asks again, and the writer's own automatic checkpoint is the backstop.
            }
        }
    }

    public void Dispose()
    {
        // The writer's close checkpoints whatever is left and removes the log.
        _stopping.Set();
        _signal.Set();
        _thread.Join();
        _checkpoint.Dispose();
        _connection.Dispose();
        _stopping.Dispose();
    }
}
