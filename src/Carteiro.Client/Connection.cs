using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Carteiro.Wire;

namespace Carteiro.Client;

/// <summary>
/// One TCP connection: writes commands, reads frames, completes commands by tag and turns
/// untagged events into <see cref="ClientEvent"/>s. A <see cref="CarteiroClient"/> replaces it on
/// reconnection.
/// </summary>
internal sealed class Connection : IAsyncDisposable
{
    private static readonly HashSet<string> EventTypes = ["MAIL", "UPDATE", "REMOVED", "PRESENCE", "BYE"];

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly ChannelWriter<ClientEvent> _events;
    private readonly FrameReader _frames = new(WireLimits.Client);
    private readonly List<DataLine> _data = [];
    private readonly TaskCompletionSource<ServerHello> _hello = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _readLoop = Task.CompletedTask;
    private long _nextTag;
    private int _closed;

    private Connection(Socket socket, ChannelWriter<ClientEvent> events)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _input = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024));
        _output = PipeWriter.Create(_stream, new StreamPipeWriterOptions(minimumBufferSize: 16 * 1024));
        _events = events;
    }

    /// <summary>Completes when the connection has ended, with the reason.</summary>
    public Task Closed => _readLoop;

    public long LastWrite { get; private set; } = Environment.TickCount64;

    public static async Task<(Connection Connection, ServerHello Hello)> OpenAsync(
        string host, int port, ChannelWriter<ClientEvent> events, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception error) when (error is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new CarteiroConnectionException($"cannot connect to {host}:{port}: {(error is SocketException s ? s.Message : "timed out")}", error);
        }

        var connection = new Connection(socket, events);
        connection._readLoop = connection.ReadLoopAsync();
        try
        {
            var hello = await connection._hello.Task.WaitAsync(deadline.Token).ConfigureAwait(false);
            if (hello.Protocol != 1)
            {
                throw new CarteiroConnectionException($"the server speaks protocol {hello.Protocol}; this client speaks 1");
            }

            return (connection, hello);
        }
        catch (Exception error)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw error is CarteiroConnectionException ? error : new CarteiroConnectionException($"no greeting from {host}:{port}", error);
        }
    }

    /// <summary>Sends one command; <paramref name="write"/> writes the arguments after the verb.</summary>
    public async Task<ServerReply> SendAsync(string verb, Action<IBufferWriter<byte>>? write, CancellationToken cancellationToken)
    {
        string tag = "c" + Interlocked.Increment(ref _nextTag).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var pending = new Pending(verb == "SEND");
        _pending[tag] = pending;
        try
        {
            await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (Volatile.Read(ref _closed) != 0)
                {
                    throw new CarteiroConnectionException("the connection is closed");
                }

                WireWriter.WriteUtf8(_output, tag);
                WireWriter.Write(_output, " "u8);
                WireWriter.WriteUtf8(_output, verb);
                write?.Invoke(_output);
                WireWriter.WriteLineEnd(_output);
                LastWrite = Environment.TickCount64;
                await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _writeLock.Release();
            }
        }
        catch (Exception error) when (error is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            _pending.TryRemove(tag, out _);
            throw new CarteiroConnectionException("the connection to the server was lost", error);
        }
        catch
        {
            _pending.TryRemove(tag, out _);
            throw;
        }

        using (cancellationToken.Register(static p => ((Pending)p!).Completion.TrySetCanceled(), pending))
        {
            return await pending.Completion.Task.ConfigureAwait(false);
        }
    }

    private async Task ReadLoopAsync()
    {
        Exception? failure = null;
        try
        {
            while (true)
            {
                var result = await _input.ReadAsync().ConfigureAwait(false);
                var buffer = result.Buffer;
                try
                {
                    while (_frames.TryRead(ref buffer, out var frame))
                    {
                        using (frame)
                        {
                            Dispatch(frame);
                        }
                    }
                }
                finally
                {
                    _input.AdvanceTo(buffer.Start, buffer.End);
                }

                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception error)
        {
            failure = error;
        }
        finally
        {
            Interlocked.Exchange(ref _closed, 1);
            var lost = new CarteiroConnectionException("the connection to the server was lost", failure ?? new IOException("closed by the server"));
            _hello.TrySetException(lost);
            foreach (var (tag, pending) in _pending)
            {
                if (_pending.TryRemove(tag, out _))
                {
                    pending.Completion.TrySetException(lost);
                }
            }
        }
    }

    private void Dispatch(Frame frame)
    {
        string head = Encoding.UTF8.GetString(frame.Segment(0));
        int space = head.IndexOf(' ', StringComparison.Ordinal);
        if (space < 0)
        {
            return;
        }

        string tag = head[..space];
        string rest = head[(space + 1)..];
        if (tag == "*")
        {
            int typeEnd = rest.IndexOf(' ', StringComparison.Ordinal);
            string type = typeEnd < 0 ? rest : rest[..typeEnd];
            string text = typeEnd < 0 ? "" : rest[(typeEnd + 1)..];
            byte[]? bytes = frame.LiteralCount > 0 ? frame.Literal(0).ToArray() : null;
            if (type == "HELLO")
            {
                var hello = JsonSerializer.Deserialize(text, ClientJsonContext.Default.ServerHello);
                _hello.TrySetResult(hello!);
            }
            else if (EventTypes.Contains(type))
            {
                PublishEvent(type, text);
            }
            else if (type is not ("BAD" or "NO"))
            {
                _data.Add(new DataLine(type, text.TrimEnd(), bytes));
            }

            return;
        }

        if (!_pending.TryRemove(tag, out var pending))
        {
            return;
        }

        int statusEnd = rest.IndexOf(' ', StringComparison.Ordinal);
        string status = statusEnd < 0 ? rest : rest[..statusEnd];
        string detail = statusEnd < 0 ? "" : rest[(statusEnd + 1)..];
        IReadOnlyList<DataLine> data = [];
        if (!pending.IsSend)
        {
            data = [.. _data];
            _data.Clear();
        }

        if (status == "OK")
        {
            pending.Completion.TrySetResult(new ServerReply(detail, data));
            return;
        }

        int codeEnd = detail.IndexOf(' ', StringComparison.Ordinal);
        string code = codeEnd < 0 ? detail : detail[..codeEnd];
        string message = codeEnd < 0 ? code : detail[(codeEnd + 1)..];
        pending.Completion.TrySetException(new CarteiroCommandException(code, message, status == "BAD"));
    }

    private void PublishEvent(string type, string json)
    {
        var context = ClientJsonContext.Default;
        ClientEvent? clientEvent = type switch
        {
            "MAIL" => new MailEvent(JsonSerializer.Deserialize(json, context.MailSummary)!, Stopwatch.GetTimestamp()),
            "UPDATE" => new UpdateEvent(JsonSerializer.Deserialize(json, context.MailSummary)!),
            "REMOVED" => JsonSerializer.Deserialize(json, context.WireRemoved) is { } r ? new RemovedEvent(r.Id, r.Folder, r.Uid) : null,
            "PRESENCE" => JsonSerializer.Deserialize(json, context.WirePresence) is { } p ? new PresenceEvent(p.User, p.Online) : null,
            "BYE" => JsonSerializer.Deserialize(json, context.WireBye) is { } b ? new ByeEvent(b.Reason, b.Message) : null,
            _ => null,
        };
        if (clientEvent is not null)
        {
            _events.TryWrite(clientEvent);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Interlocked.Exchange(ref _closed, 1);
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        await _stream.DisposeAsync().ConfigureAwait(false);
        try
        {
            await _readLoop.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The read loop reports through the pending commands.
        }

        try
        {
            await _input.CompleteAsync().ConfigureAwait(false);
            await _output.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception error) when (error is IOException or ObjectDisposedException)
        {
            // The stream is already gone.
        }
    }

    private sealed class Pending(bool isSend)
    {
        public bool IsSend { get; } = isSend;

        public TaskCompletionSource<ServerReply> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
