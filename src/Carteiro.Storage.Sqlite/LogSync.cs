using Microsoft.Win32.SafeHandles;

namespace Carteiro.Storage.Sqlite;

/// <summary>
/// Makes committed batches durable off the writer thread. The writer commits without waiting for
/// the disk (<c>synchronous=NORMAL</c>) and hands each committed batch here; this thread syncs the
/// write-ahead log to disk and only then acknowledges the batch's writes. Meanwhile the writer
/// runs the next batch, where with SQLite's own sync inside every commit it sat waiting for the
/// disk. One sync covers every batch committed before it began.
/// </summary>
/// <remarks>
/// Readers may see a batch a sync's length (about a millisecond) before its writes are
/// acknowledged; a power failure in that window loses it, as it would any unacknowledged write.
/// A killed process loses nothing: the commit is already in the operating system's hands.
/// </remarks>
internal sealed class LogSync : IDisposable
{
    private readonly Action _flush;
    private readonly SafeFileHandle? _log;
    private readonly WakeSignal _signal = new();
    private readonly Lock _gate = new();
    private readonly Thread _thread;
    private List<WriteOp> _committed = [];
    private List<WriteOp> _flushing = [];
    private volatile bool _stopping;

    /// <summary>Acknowledges batches after <paramref name="flush"/> returns (tests gate it).</summary>
    internal LogSync(Action flush)
        : this(flush, null)
    {
    }

    private LogSync(Action flush, SafeFileHandle? log)
    {
        _flush = flush;
        _log = log;
        _thread = new Thread(Run) { IsBackground = true, Name = "carteiro-sync" };
        _thread.Start();
    }

    /// <summary>Syncs the write-ahead log of the database at <paramref name="databasePath"/>.</summary>
    public static LogSync ForDatabase(string databasePath)
    {
        // Any descriptor of the file syncs all of it. SQLite deletes the log only when its last
        // connection closes, and the writer's stays open for as long as this one is used.
        var log = File.OpenHandle(databasePath + "-wal", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        return new LogSync(() => RandomAccess.FlushToDisk(log), log);
    }

    /// <summary>
    /// <paramref name="batch"/> committed: acknowledge its writes once the log is on disk. Called
    /// by the writer thread only.
    /// </summary>
    public void Committed(List<WriteOp> batch)
    {
        lock (_gate)
        {
            _committed.AddRange(batch);
        }

        _signal.Set();
    }

    private void Run()
    {
        while (true)
        {
            _signal.Wait(Timeout.InfiniteTimeSpan);
            List<WriteOp> flushing;
            lock (_gate)
            {
                (_committed, _flushing) = (_flushing, _committed);
                flushing = _flushing;
            }

            if (flushing.Count > 0)
            {
                Acknowledge(flushing);
                flushing.Clear();
            }

            if (_stopping)
            {
                lock (_gate)
                {
                    if (_committed.Count == 0)
                    {
                        return;
                    }
                }

                _signal.Set();
            }
        }
    }

    private void Acknowledge(List<WriteOp> batch)
    {
        try
        {
            _flush();
        }
        catch (Exception error)
        {
            // Committed, but not known to be on disk: not acknowledged (and this thread must live
            // on to answer later batches). A retry with the same client message id finds the
            // send and is told so, rather than storing it twice.
            var failure = new IOException("the write could not be synced to disk", error);
            foreach (var op in batch)
            {
                op.Fail(failure);
            }

            return;
        }

        foreach (var op in batch)
        {
            op.Complete();
        }
    }

    /// <summary>Acknowledges what was committed, then stops. The writer must have stopped first.</summary>
    public void Dispose()
    {
        if (_stopping)
        {
            return;
        }

        _stopping = true;
        _signal.Set();
        _thread.Join();
        _log?.Dispose();
    }
}
