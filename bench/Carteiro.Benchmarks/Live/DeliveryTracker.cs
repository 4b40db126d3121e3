using System.Diagnostics;

namespace Carteiro.Benchmarks.Live;

/// <summary>
/// Per numbered message: when it was sent, how many recipients have it, and when the first and
/// the last of them got it. Receivers call <see cref="Received"/> from many threads at once, so
/// it only does interlocked arithmetic on preallocated arrays. A message counts as delivered
/// once every recipient has it, which also makes room in the sender's window.
/// </summary>
internal sealed class DeliveryTracker
{
    private readonly long[] _sentAt;
    private readonly long[] _firstAt;
    private readonly long[] _lastAt;
    private readonly int[] _count;
    private readonly int _recipients;
    private readonly SemaphoreSlim _room;
    private int _completed;

    public DeliveryTracker(int messages, int recipients, int window)
    {
        _sentAt = new long[messages];
        _firstAt = new long[messages];
        _lastAt = new long[messages];
        _count = new int[messages];
        Array.Fill(_firstAt, long.MaxValue);
        _recipients = recipients;
        _room = new SemaphoreSlim(Math.Max(1, window), Math.Max(1, window));
    }

    /// <summary>Waits until fewer than the window's worth of messages are still on their way.</summary>
    public Task WaitForRoomAsync(CancellationToken cancellationToken) => _room.WaitAsync(cancellationToken);

    /// <summary>Notes the send time of <paramref name="number"/>, just before it is written.</summary>
    public void Sending(int number) => _sentAt[number] = Stopwatch.GetTimestamp();

    /// <summary>One recipient has message <paramref name="number"/> since <paramref name="at"/>.</summary>
    public void Received(int number, long at)
    {
        if ((uint)number >= (uint)_count.Length)
        {
            return;
        }

        long seen;
        while (at < (seen = Volatile.Read(ref _firstAt[number])) && Interlocked.CompareExchange(ref _firstAt[number], at, seen) != seen)
        {
        }

        while (at > (seen = Volatile.Read(ref _lastAt[number])) && Interlocked.CompareExchange(ref _lastAt[number], at, seen) != seen)
        {
        }

        if (Interlocked.Increment(ref _count[number]) == _recipients)
        {
            Interlocked.Increment(ref _completed);
            _room.Release();
        }
    }

    /// <summary>Waits until the first <paramref name="messages"/> messages are all delivered.</summary>
    public async Task WaitAllAsync(int messages, CancellationToken cancellationToken)
    {
        // The time that counts is taken from the receive timestamps, not from when this wakes up.
        while (Volatile.Read(ref _completed) < messages)
        {
            await Task.Delay(2, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The latest receive time of messages [from, to).</summary>
    public long LastDelivery(int from, int to)
    {
        long last = 0;
        for (int i = from; i < to; i++)
        {
            last = Math.Max(last, _lastAt[i]);
        }

        return last;
    }

    /// <summary>Deliveries of messages [from, to) so far (at most one per recipient and message).</summary>
    public long Deliveries(int from, int to)
    {
        long total = 0;
        for (int i = from; i < to; i++)
        {
            total += Math.Min(_recipients, Volatile.Read(ref _count[i]));
        }

        return total;
    }

    /// <summary>Per fully delivered message of [from, to): microseconds from its send to its last recipient.</summary>
    public List<double> LastLatencies(int from, int to) => Latencies(from, to, _lastAt);

    /// <summary>Per fully delivered message of [from, to): microseconds from its send to its first recipient.</summary>
    public List<double> FirstLatencies(int from, int to) => Latencies(from, to, _firstAt);

    private List<double> Latencies(int from, int to, long[] at)
    {
        var samples = new List<double>(to - from);
        for (int i = from; i < to; i++)
        {
            if (_count[i] >= _recipients && _sentAt[i] != 0)
            {
                samples.Add(Stopwatch.GetElapsedTime(_sentAt[i], at[i]).TotalMicroseconds);
            }
        }

        return samples;
    }
}
