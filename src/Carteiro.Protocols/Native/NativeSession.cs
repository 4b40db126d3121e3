using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text.Encodings.Web;
using System.Text.Json;
using Carteiro.Core.Accounts;
using Carteiro.Core.Errors;
using Carteiro.Core.Live;
using Carteiro.Protocols.Common;
using Carteiro.Wire;

namespace Carteiro.Protocols.Native;

/// <summary>
/// One native-protocol connection: reads frames off its socket, runs commands in order
/// (consecutive SENDs concurrently), writes tagged replies, and pushes hub events between replies.
/// All writes to the output happen under one async lock, so a command's data lines and its reply
/// are never split by an event.
/// </summary>
internal sealed partial class NativeSession : ISessionSink, IDisposable
{
    private const int MaxConsecutiveErrors = 20;

    private static readonly JsonWriterOptions JsonOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    // Where a thread's JSON writer points between lines (see BeginJson); never written to.
    private static readonly ArrayBufferWriter<byte> DetachedOutput = new(1);

    [ThreadStatic]
    private static Utf8JsonWriter? t_json;

    private readonly Socket _socket;
    private readonly IPEndPoint? _remote;
    private readonly long _connectionId;
    private readonly NativeServices _services;
    private readonly SocketWriter _output;
    private readonly FrameReader _frames;
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    // Events waiting to be written; a thread-pool item drains them while there are any, so an
    // idle connection has no task waiting for events. Locked on itself.
    private readonly Queue<ServerEvent> _events = new();
    private readonly CancellationTokenSource _closing = new();
    private readonly long _openedAt = Environment.TickCount64;
    private NativeListener? _listener;

    // SENDs not yet answered; made on the first SEND (read-only sessions never need it).
    private List<Task>? _pendingSends;
    private bool _writingEvents;
    private long _lastReceived = Environment.TickCount64;
    private int _inFlight;
    private int _flushScheduled;
    private int _consecutiveErrors;
    private volatile string? _closeReason;
    private volatile Account? _account;
    private string? _signedInToken;

    public NativeSession(Socket socket, IPEndPoint? remote, long connectionId, NativeServices services)
    {
        _socket = socket;
        _remote = remote;
        _connectionId = connectionId;
        _services = services;

        // Sends go straight out while the socket takes them (see SocketWriter); receives are asynchronous.
        socket.Blocking = false;
        _output = new SocketWriter(socket);
        _frames = new FrameReader(services.WireLimits);
    }

    /// <summary>This connection's number, unique in the process (logs, the door's registry).</summary>
    public long ConnectionId => _connectionId;

    public long AccountId => _account?.Id ?? 0;

    public string UserName => _account?.Name ?? "";

    /// <summary>The session's whole life, from greeting to close.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    private Account Account => _account ?? throw new CarteiroException(ErrorCode.NotSignedIn, "sign in first (LOGIN, AUTH or REGISTER)");

    /// <summary>Starts the session; it tells <paramref name="listener"/> when it has ended.</summary>
    public void Start(NativeListener listener)
    {
        _listener = listener;
        Completion = RunAsync();
    }

    // One method for the connection's life, so that an idle connection waits in one state
    // machine. Between bursts it waits with a zero-byte receive and holds no buffer.
    private async Task RunAsync()
    {
        _services.Logger.Opened(_connectionId, _remote);
        byte[]? buffer = null;
        int start = 0;
        int end = 0;
        try
        {
            await WriteGreetingAsync().ConfigureAwait(false);
            while (true)
            {
                if (start == end)
                {
                    if (buffer is not null)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = null;
                        start = end = 0;
                    }

                    await WaitUntilReadableAsync().ConfigureAwait(false);
                    if (_closeReason is not null)
                    {
                        // Close() shut the receiving side to wake this wait, or the socket is gone.
                        break;
                    }

                    buffer = ArrayPool<byte>.Shared.Rent(_services.ReceiveBufferSize);
                }
                else if (end == buffer!.Length)
                {
                    // A partial line or literal header at the end: move it to the front. The
                    // buffer holds more than a longest line, so the frame reader always makes room.
                    buffer.AsSpan(start, end - start).CopyTo(buffer);
                    end -= start;
                    start = 0;
                }

                int received = await ReceiveAsync(buffer.AsMemory(end)).ConfigureAwait(false);
                if (received < 0)
                {
                    // Nothing there yet. With nothing buffered, the next round returns the buffer
                    // and waits; with a partial frame, wait here and keep it.
                    if (start != end)
                    {
                        await WaitUntilReadableAsync().ConfigureAwait(false);
                    }

                    if (_closeReason is not null)
                    {
                        break;
                    }

                    continue;
                }

                if (received == 0)
                {
                    _closeReason ??= "client-closed";
                    break;
                }

                end += received;
                Volatile.Write(ref _lastReceived, Environment.TickCount64);
                var data = new ReadOnlySequence<byte>(buffer, start, end - start);
                while (_closeReason is null && _frames.TryRead(ref data, out var frame))
                {
                    await HandleFrameAsync(frame).ConfigureAwait(false);
                }

                start = end - (int)data.Length;
                await FlushAsync(_closing.Token).ConfigureAwait(false);
                if (_closeReason is not null)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Closing: shutdown, timeout, slow consumer.
        }
        catch (Exception error) when (error is IOException or SocketException or ObjectDisposedException)
        {
            _closeReason ??= "connection-lost";
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            await CloseAsync().ConfigureAwait(false);
            Dispose();
            _listener?.Forget(this, _remote);
        }
    }

    private async Task HandleFrameAsync(Frame frame)
    {
        if (frame.Error != WireError.None)
        {
            string? tag = TagOf(frame);
            string code = frame.Error.ToCode();
            _services.Logger.LimitExceeded(_connectionId, _remote, code);
            frame.Dispose();
            await ReplyErrorAsync(tag, bad: true, code, DescribeWireError(frame.Error)).ConfigureAwait(false);
            return;
        }

        if (!CommandParser.TryParse(frame, out var command, out string? badTag, out string error))
        {
            frame.Dispose();
            await ReplyErrorAsync(badTag, bad: true, ErrorCode.BadSyntax.ToWire(), error).ConfigureAwait(false);
            return;
        }

        if (command.Verb == "SEND")
        {
            StartSend(command, frame);
            return;
        }

        try
        {
            // Anything but SEND waits for this connection's earlier SENDs, so it sees them.
            await DrainSendsAsync().ConfigureAwait(false);
            await ExecuteAsync(command).ConfigureAwait(false);
            _consecutiveErrors = 0;
        }
        catch (CarteiroException refusal)
        {
            await ReplyRefusalAsync(command.Tag, refusal).ConfigureAwait(false);
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            _services.Logger.CommandFailed(failure, command.Verb, _connectionId);
            await ReplyErrorAsync(command.Tag, bad: false, ErrorCode.Internal.ToWire(), "the server failed to carry out the command; it did nothing").ConfigureAwait(false);
        }
        finally
        {
            frame.Dispose();
        }
    }

    private static string DescribeWireError(WireError error) => error switch
    {
        WireError.LineTooLong => "the line is longer than the server's limit; it was skipped",
        WireError.LiteralTooLarge or WireError.FrameTooLarge => "the payload is larger than the server's limit; it was read and discarded",
        WireError.TooManyLiterals => "the command carries too many payloads",
        _ => "malformed literal marker",
    };

    private static string? TagOf(Frame frame)
    {
        if (frame.SegmentCount == 0)
        {
            return null;
        }

        var first = frame.Segment(0);
        int space = first.IndexOf((byte)' ');
        var tag = space > 0 ? first[..space] : first;
        if (tag.Length is 0 or > CommandParser.MaxTagLength || tag.IndexOfAnyInRange((byte)0, (byte)' ') >= 0 || tag.IndexOfAny((byte)'"', (byte)'*', (byte)0x7f) >= 0 || !System.Text.Unicode.Utf8.IsValid(tag))
        {
            return null;
        }

        return System.Text.Encoding.UTF8.GetString(tag);
    }

    public bool TryPush(ServerEvent serverEvent)
    {
        if (_closeReason is not null)
        {
            return false;
        }

        lock (_events)
        {
            if (_events.Count < _services.Options.MaxQueuedEvents)
            {
                _events.Enqueue(serverEvent);
                if (!_writingEvents)
                {
                    _writingEvents = true;
                    ThreadPool.UnsafeQueueUserWorkItem(static session => _ = session.WriteEventsAsync(), this, preferLocal: false);
                }

                return true;
            }
        }

        _services.Logger.Dropped(_connectionId, _remote, "slow-consumer");
        Close("slow-consumer");
        return false;
    }

    /// <summary>Closes the session when its sign-in or idle deadline has passed (the listener asks every second).</summary>
    public void CheckDeadlines(long nowTicks)
    {
        if (Deadlines.Passed(_account is not null, _openedAt, Volatile.Read(ref _lastReceived), nowTicks, _services.Options) is { } passed)
        {
            Close(passed);
        }
    }

    /// <summary>Ends the session for <paramref name="reason"/>: it stops reading, finishes its sends and says BYE.</summary>
    public void Close(string reason)
    {
        if (_closeReason is not null)
        {
            return;
        }

        _closeReason = reason;
        try
        {
            _closing.Cancel();

            // Wakes the read loop's wait for data (it sees the reason and ends); replies and the goodbye still go out.
            _socket.Shutdown(SocketShutdown.Receive);
        }
        catch (Exception error) when (error is ObjectDisposedException or SocketException)
        {
            // Already gone.
        }
    }

    /// <summary>Cuts the connection off without a goodbye (a slow consumer, or past the shutdown timeout).</summary>
    public void Abort()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception error) when (error is SocketException or ObjectDisposedException)
        {
            // Already gone.
        }

        _socket.Dispose();
    }

    private async Task CloseAsync()
    {
        if (_account is not null)
        {
            // Leave before anything else, so others see us go offline at once.
            _services.Hub.Leave(this);
        }

        // Sends already accepted are committed and acknowledged if the peer is still there.
        try
        {
            await Task.WhenAll(_pendingSends ?? []).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Each send reports its own failure.
        }

        string reason = _services.Stopping.IsCancellationRequested && _closeReason is null or "connection-lost" ? "shutting-down" : _closeReason ?? "closed";
        if (reason == "slow-consumer")
        {
            Abort();
        }
        else if (reason is not ("client-closed" or "connection-lost" or "logout"))
        {
            await SayGoodbyeAsync(reason).ConfigureAwait(false);
        }

        _services.Logger.Closed(_connectionId, reason);

        // Events still queued are dropped with the connection; an event writer stuck on a peer
        // that does not read is cancelled, one still running finishes first.
        _closing.Cancel();
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            // What is written and not yet sent (say, a send's acknowledgement waiting for its
            // scheduled flush) goes out, unless the peer is the reason for closing.
            if (reason != "slow-consumer" && _output.UnflushedBytes > 0)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                await _output.FlushAsync(timeout.Token).ConfigureAwait(false);
            }

            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception error) when (error is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Already gone, or not reading.
        }
        finally
        {
            _output.Dispose();
            _writeLock.Release();
        }

        _socket.Dispose();
    }

    public void Dispose()
    {
        _closing.Dispose();
        _writeLock.Dispose();
    }

    private async Task SayGoodbyeAsync(string reason)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            await _writeLock.WaitAsync(timeout.Token).ConfigureAwait(false);
            try
            {
                WriteBye(reason, reason switch
                {
                    "idle-timeout" => $"nothing received for {_services.Options.IdleTimeout.TotalSeconds} s",
                    "sign-in-timeout" => $"not signed in within {_services.Options.SignInTimeout.TotalSeconds} s",
                    "slow-consumer" => "you are not reading events fast enough",
                    "too-many-errors" => $"{MaxConsecutiveErrors} malformed commands in a row",
                    "shutting-down" => "the server is stopping",
                    _ => reason,
                });
                await _output.FlushAsync(timeout.Token).ConfigureAwait(false);
            }
            finally
            {
                _writeLock.Release();
            }
        }
        catch (Exception)
        {
            // Best effort: the peer may be gone or not reading.
        }
    }

    private void WriteBye(string reason, string message)
    {
        WireWriter.Write(_output, "* BYE "u8);
        var json = BeginJson();
        json.WriteStartObject();
        json.WriteString("reason"u8, reason);
        json.WriteString("message"u8, message);
        json.WriteEndObject();
        EndJsonLine();
    }
}
