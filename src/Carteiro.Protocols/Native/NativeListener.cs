using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Carteiro.Protocols.Common;
using Microsoft.Extensions.Hosting;

namespace Carteiro.Protocols.Native;

/// <summary>
/// The native door's own accept loop: a socket and a <see cref="NativeSession"/> per connection,
/// no thread per connection.
/// </summary>
/// <remarks>
/// The door used to sit on Kestrel's socket transport, which gives every connection two pipes,
/// a receive loop and a send loop with their own state, a feature collection and a log scope:
/// about 3.5 KB of a connection's 7.4 KB of live objects while it sat idle. A chat server holds
/// many idle connections, so this door reads its socket through a pipe reader that waits for
/// data with a zero-byte read and holds no buffer in between, and writes straight to the socket.
/// The web and mail doors stay on Kestrel (TLS, HTTP).
/// </remarks>
public sealed class NativeListener : IHostedService, IMonitoredConnection, IDisposable
{
    private readonly IPEndPoint _requested;
    private readonly NativeServices _services;
    private readonly ConcurrentDictionary<long, NativeSession> _sessions = new();
    private readonly CancellationTokenSource _stopAccepting = new();
    private Socket? _socket;
    private Task _accepting = Task.CompletedTask;
    private long _lastConnectionId;
    private ReadinessPoller? _poller;

    /// <summary>Prepares to listen on <paramref name="endpoint"/> (port 0: any free port).</summary>
    public NativeListener(IPEndPoint endpoint, NativeServices services)
    {
        _requested = endpoint;
        _services = services;
    }

    /// <summary>Wakes idle sessions when their sockets have something to read; null where epoll is not available.</summary>
    internal ReadinessPoller? Poller => _poller;

    /// <summary>Where the door listens, once started (the bound port when 0 was asked for).</summary>
    public IPEndPoint? EndPoint { get; private set; }

    /// <summary>Binds and starts accepting; a taken port fails here, as Kestrel's listeners do.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var socket = new Socket(_requested.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (_requested.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            // As Kestrel does: a restarted server can bind again while old connections linger in TIME_WAIT.
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(_requested);
            socket.Listen(512);
        }
        catch (SocketException error)
        {
            socket.Dispose();
            throw new IOException($"Failed to bind to address {_requested} (native protocol): {error.Message}", error);
        }

        _socket = socket;
        EndPoint = (IPEndPoint)socket.LocalEndPoint!;
        if (_services.Options.NativeWaitsWithEpoll)
        {
            _poller = ReadinessPoller.TryCreate(id => _sessions.TryGetValue(id, out var session) ? session : null);
        }

        // Sessions hear of the stop at once, before the host stops its services one by one.
        _services.Stopping.UnsafeRegister(static listener => ((NativeListener)listener!).CloseAll(), this);
        _services.Monitor.Add(this);
        _accepting = AcceptLoopAsync(socket);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Stops accepting, asks every session to close (each finishes its committed sends and says
    /// BYE), and waits for them until <paramref name="cancellationToken"/> (the shutdown timeout)
    /// fires; the rest are cut off.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _services.Monitor.Remove(this);
        await _stopAccepting.CancelAsync().ConfigureAwait(false);
        _socket?.Dispose();
        await _accepting.ConfigureAwait(false);
        CloseAll();
        var running = _sessions.Values.Select(session => session.Completion).ToArray();
        try
        {
            await Task.WhenAll(running).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            foreach (var session in _sessions.Values)
            {
                session.Abort();
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stopAccepting.Dispose();
        _socket?.Dispose();
        _poller?.Dispose();
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        var token = _stopAccepting.Token;
        while (!token.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(token).ConfigureAwait(false);
            }
            catch (Exception error) when (error is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException error) when (!token.IsCancellationRequested)
            {
                // A connection reset before it was accepted, or out of descriptors: the door stays
                // open, and a pause keeps a lasting failure from spinning.
                _services.Logger.AcceptFailed(error.SocketErrorCode.ToString());
                await Task.Delay(50, CancellationToken.None).ConfigureAwait(false);
                continue;
            }
            catch (SocketException)
            {
                return;
            }

            Admit(socket);
        }
    }

    private void Admit(Socket socket)
    {
        socket.NoDelay = true;
        var remote = socket.RemoteEndPoint as IPEndPoint;
        if (!_services.Limiter.TryAcquire(remote?.Address))
        {
            _services.Logger.TooManyConnections(remote?.Address.ToString() ?? "?");
            _ = RefuseAsync(socket);
            return;
        }

        var session = new NativeSession(socket, remote, ++_lastConnectionId, _services);
        _sessions.TryAdd(session.ConnectionId, session);
        session.Start(this);
    }

    /// <summary>
    /// Checks every session's sign-in and idle deadlines: the monitor watches the door, not each
    /// connection, so a connection costs one entry (in the door's set) instead of two.
    /// </summary>
    public void CheckDeadlines(long nowTicks)
    {
        foreach (var session in _sessions.Values)
        {
            session.CheckDeadlines(nowTicks);
        }
    }

    /// <summary>Called by a session when it has ended.</summary>
    internal void Forget(NativeSession session, IPEndPoint? remote)
    {
        _sessions.TryRemove(session.ConnectionId, out _);
        _services.Limiter.Release(remote?.Address);
    }

    private void CloseAll()
    {
        foreach (var session in _sessions.Values)
        {
            session.Close("shutting-down");
        }
    }

    private static async Task RefuseAsync(Socket socket)
    {
        try
        {
            await socket.SendAsync("* BYE {\"reason\":\"too-many-connections\",\"message\":\"too many connections from your address\"}\r\n"u8.ToArray(), SocketFlags.None).ConfigureAwait(false);
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception error) when (error is SocketException or ObjectDisposedException)
        {
            // The peer is already gone.
        }
        finally
        {
            socket.Dispose();
        }
    }
}
