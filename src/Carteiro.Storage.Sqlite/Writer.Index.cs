using Microsoft.Data.Sqlite;

namespace Carteiro.Storage.Sqlite;

/// <summary>
/// The full-text index, kept off the send path: tokenising a message costs about a quarter of
/// the writer's time per send, and indexing many messages in one transaction costs FTS5 less
/// than one at a time.
/// </summary>
internal sealed partial class Writer
{
    /// <summary>Pending messages worth a batch of their own even while sends keep coming.</summary>
    public const int IndexBatchThreshold = 256;

    private const int IndexChunk = 1024;

    // A hint, not a count: it may run ahead of the table (a rolled-back send), never behind what
    // is committed (it starts at 1 so leftovers from a crash are found). It only goes down once
    // the indexing has committed: a search that reads 0 must find everything in the index.
    private long _pendingHint = 1;
    private long _indexedInTransaction;
    private bool _drainedInTransaction;

    // Sends later in the same transaction than a drain: still pending when it commits.
    private long _markedSinceDrain;

    private RawStatement? _insertPending;
    private SqliteCommand? _pendingUpTo;
    private SqliteCommand? _indexUpTo;
    private SqliteCommand? _clearPendingUpTo;
    private SqliteCommand? _dropPending;

    /// <summary>Roughly how many messages wait for the index; 0 when none do.</summary>
    public long PendingIndexHint => Interlocked.Read(ref _pendingHint);

    private void PrepareIndexStatements()
    {
        _insertPending = new RawStatement(_connection, "INSERT INTO fts_pending (message_id) VALUES (?1)");
        _pendingUpTo = Sql.Prepare(_connection, """
            SELECT COALESCE((SELECT message_id FROM fts_pending ORDER BY message_id LIMIT 1 OFFSET $n), (SELECT MAX(message_id) FROM fts_pending))
            """, "$n");
        // CROSS JOIN keeps fts_pending the outer loop: left to itself the planner scans every
        // message and probes the pending list, which made each chunk cost the whole table.
        _indexUpTo = Sql.Prepare(_connection, $"""
            INSERT INTO messages_fts (rowid, subject, body, names)
            SELECT m.id, m.subject, {StoredBody.ForIndex}, m.names FROM fts_pending p CROSS JOIN messages m ON m.id = p.message_id WHERE p.message_id <= $upto
            """, "$upto");
        _clearPendingUpTo = Sql.Prepare(_connection, "DELETE FROM fts_pending WHERE message_id <= $upto", "$upto");
        _dropPending = Sql.Prepare(_connection, "DELETE FROM fts_pending WHERE message_id = $m", "$m");
    }

    private void MarkForIndex(long messageId)
    {
        _insertPending!.Bind(1, messageId).Execute();
        Interlocked.Increment(ref _pendingHint);
        if (_drainedInTransaction)
        {
            _markedSinceDrain++;
        }
    }

    /// <summary>
    /// Removes a message that may not be indexed yet from the pending list; true when it was
    /// pending, so there is nothing to take out of the index (an FTS5 delete of a row that was never
    /// indexed would corrupt it).
    /// </summary>
    private bool DropPending(long messageId) => _dropPending!.With(messageId).ExecuteNonQuery() > 0;

    /// <summary>Indexes up to <paramref name="limit"/> pending messages, oldest first, in the current transaction.</summary>
    /// <returns>How many were indexed.</returns>
    public int IndexPending(int limit)
    {
        if (PendingIndexHint == 0)
        {
            return 0;
        }

        if (_pendingUpTo!.With(Math.Max(0, limit - 1)).ExecuteScalar() is not long upTo)
        {
            _drainedInTransaction = true;
            _markedSinceDrain = 0;
            return 0;
        }

        int indexed = _indexUpTo!.With(upTo).ExecuteNonQuery();
        _clearPendingUpTo!.With(upTo).ExecuteNonQuery();
        _indexedInTransaction += indexed;
        if (indexed < limit)
        {
            _drainedInTransaction = true;
            _markedSinceDrain = 0;
        }

        return indexed;
    }

    /// <summary>The transaction committed: what it indexed now counts.</summary>
    private void IndexProgressCommitted()
    {
        if (_drainedInTransaction)
        {
            Interlocked.Exchange(ref _pendingHint, _markedSinceDrain);
        }
        else if (_indexedInTransaction > 0)
        {
            // Not drained: more may be pending than the hint knew of (it starts at 1 however many
            // a crash or an upgrade left), so it must not reach 0 before a drain says so.
            Interlocked.Exchange(ref _pendingHint, Math.Max(1, PendingIndexHint - _indexedInTransaction));
        }

        _indexedInTransaction = 0;
        _drainedInTransaction = false;
        _markedSinceDrain = 0;
    }

    /// <summary>The transaction rolled back: the pending rows are still there.</summary>
    private void IndexProgressRolledBack()
    {
        _indexedInTransaction = 0;
        _drainedInTransaction = false;
        _markedSinceDrain = 0;
    }

    /// <summary>Indexes everything pending (before a search reads the index).</summary>
    public int IndexAllPending() => IndexPending(int.MaxValue);

    /// <summary>
    /// One chunk of indexing (<see cref="IndexChunk"/> messages, or <paramref name="atLeast"/> when
    /// more) in a transaction of its own; false when there was nothing to do.
    /// </summary>
    public bool IndexPendingChunk(int atLeast = 0)
    {
        if (PendingIndexHint == 0)
        {
            return false;
        }

        using var transaction = Begin();
        int indexed = IndexPending(Math.Max(IndexChunk, atLeast));
        transaction.Commit();
        return indexed > 0;
    }

    private void DisposeIndexStatements()
    {
        _insertPending?.Dispose();
        _pendingUpTo?.Dispose();
        _indexUpTo?.Dispose();
        _clearPendingUpTo?.Dispose();
        _dropPending?.Dispose();
    }
}
