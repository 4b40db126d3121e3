using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Carteiro.Storage.Sqlite;

/// <summary>
/// The one writer. Writes from every session queue here; a dedicated thread takes everything
/// queued, runs it in one transaction and commits once (group commit), and <see cref="LogSync"/>
/// completes each caller's task once the commit is on disk. One fsync thus acknowledges many
/// sends, and the writer runs the next batch while it happens. If a batch fails, its writes are
/// rerun one per transaction, each in a savepoint, so that a single bad write fails alone.
/// </summary>
internal sealed class WriteQueue : IDisposable
{
    private const int MaxBatch = 2048;
    private const int MaxQueued = 20_000;

    // Indexing waits for a quiet moment this long: between two batches of a busy writer the queue
    // is often empty for an instant, and a small index transaction there costs more than it saves.
    private static readonly TimeSpan IndexWhenQuietFor = TimeSpan.FromMilliseconds(50);

    private readonly ConcurrentQueue<WriteOp> _queue = new();
    private readonly WakeSignal _signal = new();
    private readonly SemaphoreSlim _capacity = new(MaxQueued, MaxQueued);
    private readonly Writer _writer;
    private readonly LogSync _sync;
    private readonly Thread _thread;
    private volatile bool _stopping;
    private int _stopped;

    public WriteQueue(Writer writer, LogSync sync)
    {
        _writer = writer;
        _sync = sync;
        _thread = new Thread(Run) { IsBackground = true, Name = "carteiro-writer" };
        _thread.Start();
    }

    /// <summary>Queues <paramref name="work"/> and completes when it is committed and on disk (or failed).</summary>
    /// <param name="work">The write, run on the writer thread inside the batch transaction.</param>
    /// <param name="savepoint">
    /// Whether the write runs in a savepoint of its own, so that a refusal undoes its writes and
    /// leaves the rest of the batch alone. A write that refuses only before it writes anything can
    /// do without (a savepoint makes SQLite copy each page the write touches); should it refuse
    /// later after all, the whole batch rolls back and reruns with savepoints.
    /// </param>
    /// <param name="cancellationToken">Cancels the wait for room in the queue.</param>
    public async Task<T> ExecuteAsync<T>(Func<Writer, T> work, bool savepoint, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_stopping, this);
        await _capacity.WaitAsync(cancellationToken).ConfigureAwait(false);
        var op = new WriteOp<T>(work, savepoint);
        _queue.Enqueue(op);
        _signal.Set();

        // Queued just as the writer stopped: nobody will run it, so it fails rather than waits
        // forever. (Enqueue and the read below are ordered by Enqueue's interlocked operation;
        // Dispose sets the flag before it takes what is left, so one of the two finds the op.)
        if (Volatile.Read(ref _stopped) == 1)
        {
            FailQueued();
        }

        return await op.Task.ConfigureAwait(false);
    }

    private void Run()
    {
        var batch = new List<WriteOp>(MaxBatch);
        while (true)
        {
            if (!_signal.Wait(_writer.PendingIndexHint > 0 ? IndexWhenQuietFor : Timeout.InfiniteTimeSpan))
            {
                IndexPendingChunk();
                continue;
            }

            while (true)
            {
                batch.Clear();
                while (batch.Count < MaxBatch && _queue.TryDequeue(out var op))
                {
                    batch.Add(op);
                }

                if (batch.Count == 0)
                {
                    break;
                }

                Commit(batch);
                _capacity.Release(batch.Count);

                // Under sustained load the queue never empties: index in batches of our own anyway,
                // at least as many as this batch may have added, so the backlog (and the work a
                // search must do first) stays small instead of growing with every large batch.
                if (_writer.PendingIndexHint >= Writer.IndexBatchThreshold)
                {
                    IndexPendingChunk(batch.Count);
                }
            }

            if (_stopping && _queue.IsEmpty)
            {
                return;
            }
        }
    }

    // Indexing failures must not stop the writer; the pending rows stay and a search indexes them
    // (and reports the failure to its caller) or the next start does.
    private bool IndexPendingChunk(int atLeast = 0)
    {
        try
        {
            return _writer.IndexPendingChunk(atLeast);
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    private void Commit(List<WriteOp> batch, bool savepoints = false)
    {
        try
        {
            using (var transaction = _writer.Begin())
            {
                foreach (var op in batch)
                {
                    op.Run(_writer, forceSavepoint: savepoints);
                }

                transaction.Commit();
            }

            _sync.Committed(batch);
        }
        catch (Exception) when (batch.Count > 1)
        {
            // Something in the batch failed and the transaction rolled back: rerun each write
            // alone so the innocent ones still commit and only the faulty one reports failure.
            foreach (var op in batch)
            {
                Commit([op], savepoints: true);
            }
        }
        catch (Exception error)
        {
            batch[0].Fail(error);
        }
    }

    /// <summary>Finishes queued writes, then stops the thread.</summary>
    public void Dispose()
    {
        if (_stopping)
        {
            return;
        }

        _stopping = true;
        _signal.Set();
        _thread.Join();
        _sync.Dispose();
        Interlocked.Exchange(ref _stopped, 1);
        FailQueued();

        // The semaphore is not disposed: a caller still waiting for room must wake (and then fail
        // above), not wait on a disposed semaphore forever.
    }

    // Fails what was queued after the writer's last look (and frees its room in the queue).
    private void FailQueued()
    {
        while (_queue.TryDequeue(out var op))
        {
            op.Fail(new ObjectDisposedException(nameof(WriteQueue), "the store is closed"));
            _capacity.Release();
        }
    }
}

/// <summary>A queued write: runs inside the batch transaction, completes after commit.</summary>
internal abstract class WriteOp
{
    /// <summary>Runs the write; in a savepoint when it asked for one or <paramref name="forceSavepoint"/> is set.</summary>
    public abstract void Run(Writer writer, bool forceSavepoint);

    public abstract void Complete();

    public abstract void Fail(Exception error);
}

internal sealed class WriteOp<T>(Func<Writer, T> work, bool savepoint) : WriteOp
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T _result = default!;
    private Exception? _refusal;

    public Task<T> Task => _completion.Task;

    public override void Run(Writer writer, bool forceSavepoint)
    {
        _refusal = null;
        if (!savepoint && !forceSavepoint)
        {
            // A refusal here escapes and rolls the batch back: what the write did cannot be
            // undone on its own.
            _result = work(writer);
            return;
        }

        try
        {
            _result = writer.Guarded(work);
        }
        catch (Carteiro.Core.Errors.CarteiroException refusal)
        {
            // The savepoint undid whatever the write did, so the batch goes on.
            _refusal = refusal;
        }
    }


    public override void Complete()
    {
        if (_refusal is not null)
        {
            _completion.TrySetException(_refusal);
        }
        else
        {
            _completion.TrySetResult(_result);
        }
    }

    public override void Fail(Exception error) => _completion.TrySetException(error);
}
