using System.Net.Sockets;
using System.Threading.Tasks.Sources;

namespace Carteiro.Protocols.Native;

/// <summary>
/// How the session waits for its socket: through the door's <see cref="ReadinessPoller"/> where
/// there is one (then reading with non-blocking receives), else with the runtime's asynchronous
/// receives.
/// </summary>
internal sealed partial class NativeSession : IReadinessWaiter, IValueTaskSource<bool>
{
    private ManualResetValueTaskSourceCore<bool> _readable = new() { RunContinuationsAsynchronously = true };

    // 1 while a wait is armed, so that one readiness completes one wait (and never two).
    private int _armed;
    private bool _watched;

    private ReadinessPoller? Poller => _listener?.Poller;

    /// <summary>Waits until the socket has something to read (or was shut or lost), holding nothing.</summary>
    /// <returns>False when the socket can no longer be watched.</returns>
    private ValueTask<bool> WaitUntilReadableAsync()
    {
        if (Poller is not { } poller)
        {
            return WaitWithZeroByteReceiveAsync();
        }

        _readable.Reset();
        Volatile.Write(ref _armed, 1);
        try
        {
            poller.Arm(_socket, _connectionId, first: !_watched);
            _watched = true;
        }
        catch (Exception error) when (error is SocketException or ObjectDisposedException)
        {
            Volatile.Write(ref _armed, 0);
            return ValueTask.FromResult(false);
        }

        return new ValueTask<bool>(this, _readable.Version);
    }

    private async ValueTask<bool> WaitWithZeroByteReceiveAsync()
    {
        await _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Receives into <paramref name="buffer"/>: what the socket holds now, or 0 when the peer has
    /// closed; -1 when nothing is there yet (poller only: wait, then ask again).
    /// </summary>
    private ValueTask<int> ReceiveAsync(Memory<byte> buffer)
    {
        if (Poller is null)
        {
            return _socket.ReceiveAsync(buffer, SocketFlags.None);
        }

        int received = _socket.Receive(buffer.Span, SocketFlags.None, out var error);
        return error switch
        {
            SocketError.Success => ValueTask.FromResult(received),
            SocketError.WouldBlock => ValueTask.FromResult(-1),
            _ => ValueTask.FromException<int>(new SocketException((int)error)),
        };
    }

    void IReadinessWaiter.Readable()
    {
        if (Interlocked.Exchange(ref _armed, 0) == 1)
        {
            _readable.SetResult(true);
        }
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _readable.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _readable.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _readable.OnCompleted(continuation, state, token, flags);
}
