namespace Carteiro.Storage.Sqlite;

/// <summary>
/// Wakes the one thread that waits on it, and never loses a call: a call made while that thread
/// is busy (or between a wait that timed out and the next one) is kept until its next wait, and a
/// wait that returns true takes the call (auto-reset). A manual-reset event reset after its wait
/// returned could drop a call made just before the reset, leaving queued work asleep.
/// </summary>
internal sealed class WakeSignal
{
    private readonly object _gate = new();
    private bool _called;

    /// <summary>Wakes the waiter, or the next wait if nobody waits now.</summary>
    public void Set()
    {
        // A call already pending covers this one.
        if (Volatile.Read(ref _called))
        {
            return;
        }

        lock (_gate)
        {
            _called = true;
            Monitor.Pulse(_gate);
        }
    }

    /// <summary>True when called (the call is taken); false when <paramref name="timeout"/> passed first.</summary>
    public bool Wait(TimeSpan timeout)
    {
        long deadline = timeout == Timeout.InfiniteTimeSpan ? long.MaxValue : Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        lock (_gate)
        {
            while (!_called)
            {
                if (deadline == long.MaxValue)
                {
                    Monitor.Wait(_gate);
                    continue;
                }

                long left = deadline - Environment.TickCount64;
                if (left <= 0)
                {
                    return false;
                }

                Monitor.Wait(_gate, TimeSpan.FromMilliseconds(left));
            }

            _called = false;
            return true;
        }
    }
}
