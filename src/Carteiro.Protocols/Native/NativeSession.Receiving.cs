using System.Net.Sockets;
using System.Threading.Tasks.Sources;

namespace Carteiro.Protocols.Native;

/// <summary>
/// How the session waits for its socket: through the door's <see cref="ReadinessPoller"/> where
/// there is one (then reading with non-blocking receives), else with the runtime's asynchronous
/// receives.
/// </summary>
internal sealed partial class NativeSession : IReadinessWaiter, IValueTaskSource<int>
{
    private ManualResetValueTaskSourceCore<int> _readable = new() { RunContinuationsAsynchronously = true };

    // 1 while a wait is armed, so that one readiness completes one wait (and never two).
    private int _armed;
    private bool _watched;

    private ReadinessPoller? Poller => _listener?.Poller;

    /// <summary>
    /// Waits until the socket has something to read (or was shut or lost), holding nothing. A
    /// socket that can no longer be watched closes the session ("connection-lost"); the caller
    /// checks the close reason after every wait.
    /// </summary>
    /// <remarks>
    /// Returns the runtime's zero-byte receive itself where there is no poller, with no async
    /// method of its own around it, which would allocate on every wait and stay alive through it.
    /// </remarks>
    private ValueTask<int> WaitUntilReadableAsync()
    {
        if (Poller is not { } poller)
        {
            return _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None);
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
            _closeReason ??= "connection-lost";
            return ValueTask.FromResult(0);
        }

        return new ValueTask<int>(this, _readable.Version);
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
            _readable.SetResult(0);
        }
    }

    int IValueTaskSource<int>.GetResult(short token) => _readable.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<int>.GetStatus(short token) => _readable.GetStatus(token);

    void IValueTaskSource<int>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _readable.OnCompleted(continuation, state, token, flags);
}
