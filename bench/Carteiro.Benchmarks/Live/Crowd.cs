using System.Diagnostics;

namespace Carteiro.Benchmarks.Live;

/// <summary>
/// Many signed-in connections at once: opened a bounded number at a time, each tried up to three
/// times as a client would (ngircd listens with a backlog of 10, and a connection the kernel could
/// not queue is reset before it registers), kept alive while they sit (the native NOOP every
/// third of the idle timeout, as real clients do), and closed together.
/// </summary>
internal sealed class Crowd<T> : IAsyncDisposable
    where T : class, IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _keepAlive;

    private const int Attempts = 3;

    private Crowd(T[] members, int failed, int retries, string? firstError, TimeSpan openTime)
    {
        Members = members;
        Failed = failed;
        Retries = retries;
        FirstError = firstError;
        OpenTime = openTime;
        _keepAlive = Task.Run(KeepAliveAsync);
    }

    /// <summary>The connections that opened.</summary>
    public IReadOnlyList<T> Members { get; }

    /// <summary>How many failed to open or sign in.</summary>
    public int Failed { get; }

    /// <summary>How many attempts failed and were tried again.</summary>
    public int Retries { get; }

    /// <summary>The first failure's message, if any.</summary>
    public string? FirstError { get; }

    /// <summary>How long opening and signing them all in took.</summary>
    public TimeSpan OpenTime { get; }

    /// <summary>How many the server has closed since.</summary>
    public int ClosedByServer => Members.OfType<LineConnection>().Count(c => c.Completion.IsCompleted);

    /// <summary>
    /// Opens <paramref name="count"/> connections, <paramref name="concurrency"/> at a time, with
    /// <paramref name="open"/> (given the index); failures are counted, not thrown, unless all fail.
    /// </summary>
    public static async Task<Crowd<T>> OpenAsync(int count, int concurrency, Func<int, CancellationToken, Task<T>> open, CancellationToken cancellationToken)
    {
        var opened = new T?[count];
        int failed = 0;
        int retries = 0;
        string? firstError = null;
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, concurrency), CancellationToken = cancellationToken },
            async (index, token) =>
            {
                for (int attempt = 1; attempt <= Attempts; attempt++)
                {
                    try
                    {
                        opened[index] = await open(index, token).ConfigureAwait(false);
                        return;
                    }
                    catch (Exception error) when (error is IOException or System.Net.Sockets.SocketException or TimeoutException)
                    {
                        if (attempt < Attempts)
                        {
                            Interlocked.Increment(ref retries);
                            await Task.Delay(200 * attempt, token).ConfigureAwait(false);
                        }
                        else if (Interlocked.Increment(ref failed) == 1)
                        {
                            firstError = error.Message;
                        }
                    }
                }
            }).ConfigureAwait(false);
        var elapsed = clock.Elapsed;
        var members = opened.OfType<T>().ToArray();
        if (members.Length == 0 && count > 0)
        {
            throw new IOException($"no connection could be opened: {firstError}");
        }

        return new Crowd<T>(members, failed, retries, firstError, elapsed);
    }

    /// <summary>
    /// Waits until no member has received anything for <paramref name="quiet"/> (the server has
    /// finished telling everyone about everyone who just arrived), at most <paramref name="limit"/>.
    /// </summary>
    public async Task<TimeSpan> WaitQuietAsync(TimeSpan quiet, TimeSpan limit, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var lines = Members.OfType<LineConnection>().ToArray();
        while (clock.Elapsed < limit && lines.Length > 0)
        {
            long last = lines.Max(c => c.LastReceived);
            if (Stopwatch.GetElapsedTime(last) >= quiet)
            {
                break;
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        return clock.Elapsed;
    }

    private async Task KeepAliveAsync()
    {
        var lives = Members.OfType<LiveConnection>().ToArray();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(2));
        try
        {
            while (lives.Length > 0 && await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                foreach (var connection in lives)
                {
                    if (!connection.Completion.IsCompleted)
                    {
                        try
                        {
                            connection.KeepAliveIfIdle();
                        }
                        catch (Exception error) when (error is System.Net.Sockets.SocketException or ObjectDisposedException)
                        {
                            // Closed meanwhile: counted by ClosedByServer.
                        }
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Closes every member, <paramref name="concurrency"/> at a time.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _keepAlive.ConfigureAwait(false);
        await Parallel.ForEachAsync(Members, new ParallelOptions { MaxDegreeOfParallelism = 64 },
            async (member, _) => await member.DisposeAsync().ConfigureAwait(false)).ConfigureAwait(false);
        _stop.Dispose();
    }
}
