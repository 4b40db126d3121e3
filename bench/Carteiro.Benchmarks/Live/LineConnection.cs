using System.Diagnostics;
using System.Net.Sockets;
using Carteiro.Benchmarks.Imap;

namespace Carteiro.Benchmarks.Live;

/// <summary>
/// A raw TCP connection that reads CRLF-ended lines into one fixed buffer and hands each to
/// <see cref="OnLine"/> as a span, with the time its bytes arrived: no string, no task and no
/// buffer per line, so a load generator holding a thousand of these on the server's two cores
/// stays cheap next to the server. Writes are synchronous and serialized (the sender, a reply to
/// PING and a keepalive may write at once). Loopback only.
/// </summary>
internal abstract class LineConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer;
    private readonly Lock _sendLock = new();
    private Task _reading = Task.CompletedTask;
    private int _start;
    private int _end;
    private long _skip;
    private long _lastReceived = Stopwatch.GetTimestamp();
    private long _lastSent = Stopwatch.GetTimestamp();
    private int _disposed;

    protected LineConnection(Socket socket, int bufferSize)
    {
        _socket = socket;
        _buffer = new byte[Math.Max(1024, bufferSize)];
    }

    /// <summary>When bytes last arrived (a <see cref="Stopwatch"/> timestamp).</summary>
    public long LastReceived => Volatile.Read(ref _lastReceived);

    /// <summary>When this side last wrote (a <see cref="Stopwatch"/> timestamp).</summary>
    public long LastSent => Volatile.Read(ref _lastSent);

    /// <summary>Ends when the server closes the connection (or reading fails).</summary>
    public Task Completion => _reading;

    /// <summary>Why the server said it closed the connection, when it said so.</summary>
    public string? CloseReason { get; protected set; }

    protected static async Task<Socket> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        ImapConnection.EnsureLoopback(host);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Starts the receive loop; call once the subclass is ready for lines.</summary>
    protected void StartReading() => _reading = Task.Run(ReadLoopAsync);

    /// <summary>
    /// One line without its CRLF, and the <see cref="Stopwatch"/> timestamp of the read that
    /// completed it. Returns how many raw bytes follow the line (a literal) to pass over, or 0.
    /// </summary>
    protected abstract long OnLine(ReadOnlySpan<byte> line, long receivedAt);

    /// <summary>Writes all of <paramref name="bytes"/>, whole, before any other write.</summary>
    protected void Send(ReadOnlySpan<byte> bytes)
    {
        lock (_sendLock)
        {
            while (!bytes.IsEmpty)
            {
                bytes = bytes[_socket.Send(bytes, SocketFlags.None)..];
            }

            Volatile.Write(ref _lastSent, Stopwatch.GetTimestamp());
        }
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                int read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None).ConfigureAwait(false);
                if (read == 0)
                {
                    return;
                }

                long at = Stopwatch.GetTimestamp();
                Volatile.Write(ref _lastReceived, at);
                _end += read;
                Consume(at);
            }
        }
        catch (SocketException)
        {
            // Reset by the server, or closed here: either way the connection is over.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private void Consume(long at)
    {
        while (_start < _end)
        {
            if (_skip > 0)
            {
                int take = (int)Math.Min(_skip, _end - _start);
                _start += take;
                _skip -= take;
                continue;
            }

            var pending = _buffer.AsSpan(_start, _end - _start);
            int newline = pending.IndexOf((byte)'\n');
            if (newline < 0)
            {
                break;
            }

            var line = pending[..newline];
            if (!line.IsEmpty && line[^1] == '\r')
            {
                line = line[..^1];
            }

            _start += newline + 1;
            _skip = OnLine(line, at);
        }

        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_end == _buffer.Length)
        {
            if (_start == 0)
            {
                throw new IOException($"a line longer than the {_buffer.Length}-byte read buffer");
            }

            // Keep the partial line, at the front.
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }

        _socket.Dispose();
        try
        {
            await _reading.ConfigureAwait(false);
        }
        catch (IOException)
        {
        }
    }
}
