using System.Collections.Concurrent;

namespace Carteiro.Protocols.Common;

/// <summary>A connection whose silence the <see cref="IdleMonitor"/> watches.</summary>
public interface IMonitoredConnection
{
    /// <summary>Checks the connection's deadlines at <paramref name="nowTicks"/> (Environment.TickCount64) and closes it when one has passed.</summary>
    void CheckDeadlines(long nowTicks);
}

/// <summary>
/// One timer for all connections: once a second it asks each to check its sign-in and idle
/// deadlines. Cheaper than a timer per connection and nothing is reset on the hot path but a
/// timestamp.
/// </summary>
public sealed class IdleMonitor : IAsyncDisposable
{
    private readonly ConcurrentDictionary<IMonitoredConnection, byte> _connections = new();
    private readonly PeriodicTimer _timer;
    private readonly Task _loop;

    /// <summary>Starts the monitor, checking every <paramref name="period"/>.</summary>
    public IdleMonitor(TimeSpan period)
    {
        _timer = new PeriodicTimer(period);
        _loop = RunAsync();
    }

    /// <summary>Starts watching a connection.</summary>
    public void Add(IMonitoredConnection connection) => _connections.TryAdd(connection, 0);

    /// <summary>Stops watching a connection.</summary>
    public void Remove(IMonitoredConnection connection) => _connections.TryRemove(connection, out _);

    private async Task RunAsync()
    {
        while (await _timer.WaitForNextTickAsync().ConfigureAwait(false))
        {
            long now = Environment.TickCount64;
            foreach (var connection in _connections.Keys)
            {
                connection.CheckDeadlines(now);
            }
        }
    }

    /// <summary>Stops the timer.</summary>
    public async ValueTask DisposeAsync()
    {
        _timer.Dispose();
        await _loop.ConfigureAwait(false);
    }
}
