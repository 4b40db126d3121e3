using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading.Channels;
using Carteiro.Core.Accounts;
using Carteiro.Core.Errors;
using Carteiro.Core.Live;
using Carteiro.Protocols.Common;
using Carteiro.Wire;
using Microsoft.AspNetCore.Connections;

namespace Carteiro.Protocols.Native;

/// <summary>
/// One native-protocol connection: reads frames off the pipe, runs commands in order (consecutive
/// SENDs concurrently), writes tagged replies, and pushes hub events between replies. All writes
/// to the output pipe happen under one async lock, so a command's data lines and its reply are
/// never split by an event.
/// </summary>
internal sealed partial class NativeSession : ISessionSink, IMonitoredConnection, IDisposable
{
    private const int MaxConsecutiveErrors = 20;

    private static readonly JsonWriterOptions JsonOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private readonly ConnectionContext _connection;
    private readonly NativeServices _services;
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private readonly FrameReader _frames;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Utf8JsonWriter _json;
    private readonly Channel<ServerEvent> _events;
    private readonly CancellationTokenSource _closing;
    private readonly List<Task> _pendingSends = [];
    private readonly string _remote;
    private readonly long _openedAt = Environment.TickCount64;
    private long _lastReceived = Environment.TickCount64;
    private int _inFlight;
    private int _flushScheduled;
    private int _consecutiveErrors;
    private volatile string? _closeReason;
    private volatile Account? _account;
    private string? _signedInToken;

    public NativeSession(ConnectionContext connection, NativeServices services)
    {
        _connection = connection;
        _services = services;
        _input = connection.Transport.Input;
        _output = connection.Transport.Output;
        var options = services.Options;
        _frames = new FrameReader(new WireLimits(
            options.MaxLineLength,
            options.MaxMessageSize + (1024 * 1024),
            options.MaxMessageSize + (1024 * 1024),
            options.MaxAttachments + 2));
        _json = new Utf8JsonWriter(_output, JsonOptions);
        _events = Channel.CreateBounded<ServerEvent>(new BoundedChannelOptions(options.MaxQueuedEvents)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _closing = CancellationTokenSource.CreateLinkedTokenSource(services.Stopping, connection.ConnectionClosed);
        _remote = (connection.RemoteEndPoint as IPEndPoint)?.ToString() ?? connection.RemoteEndPoint?.ToString() ?? "?";
    }

    public long AccountId => _account?.Id ?? 0;

    public string UserName => _account?.Name ?? "";

    private Account Account => _account ?? throw new CarteiroException(ErrorCode.NotSignedIn, "sign in first (LOGIN, AUTH or REGISTER)");

    public async Task RunAsync()
    {
        _services.Logger.Opened(_connection.ConnectionId, _remote);
        _services.Monitor.Add(this);
        Task pump = Task.CompletedTask;
        try
        {
            await WriteGreetingAsync().ConfigureAwait(false);
            pump = PumpEventsAsync();
            await ReadLoopAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Closing: shutdown, timeout, slow consumer or the peer went away.
        }
        catch (Exception error) when (error is IOException or ConnectionResetException or ConnectionAbortedException or ObjectDisposedException)
        {
            _closeReason ??= "connection-lost";
        }
        finally
        {
            await CloseAsync(pump).ConfigureAwait(false);
        }
    }

    private async Task ReadLoopAsync()
    {
        var token = _closing.Token;
        while (true)
        {
            var result = await _input.ReadAsync(token).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (!buffer.IsEmpty)
            {
                Volatile.Write(ref _lastReceived, Environment.TickCount64);
            }

            try
            {
                while (_closeReason is null && _frames.TryRead(ref buffer, out var frame))
                {
                    await HandleFrameAsync(frame).ConfigureAwait(false);
                }
            }
            finally
            {
                _input.AdvanceTo(buffer.Start, buffer.End);
            }

            await FlushAsync(token).ConfigureAwait(false);
            if (_closeReason is not null || result.IsCompleted)
            {
                _closeReason ??= "client-closed";
                return;
            }
        }
    }

    private async Task HandleFrameAsync(Frame frame)
    {
        if (frame.Error != WireError.None)
        {
            string? tag = TagOf(frame);
            string code = frame.Error.ToCode();
            _services.Logger.LimitExceeded(_connection.ConnectionId, _remote, code);
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
            _services.Logger.CommandFailed(failure, command.Verb, _connection.ConnectionId);
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

        if (_events.Writer.TryWrite(serverEvent))
        {
            return true;
        }

        _services.Logger.Dropped(_connection.ConnectionId, _remote, "slow-consumer");
        Close("slow-consumer");
        return false;
    }

    public void CheckDeadlines(long nowTicks)
    {
        if (Deadlines.Passed(_account is not null, _openedAt, Volatile.Read(ref _lastReceived), nowTicks, _services.Options) is { } passed)
        {
            Close(passed);
        }
    }

    private void Close(string reason)
    {
        if (_closeReason is not null)
        {
            return;
        }

        _closeReason = reason;
        try
        {
            _closing.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task CloseAsync(Task pump)
    {
        _services.Monitor.Remove(this);
        if (_account is not null)
        {
            // Leave before anything else, so others see us go offline at once.
            _services.Hub.Leave(this);
        }

        // Sends already accepted are committed and acknowledged if the peer is still there.
        try
        {
            await Task.WhenAll(_pendingSends).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Each send reports its own failure.
        }

        _events.Writer.TryComplete();
        try
        {
            await pump.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The pump stops when the peer is gone.
        }

        string reason = _services.Stopping.IsCancellationRequested && _closeReason is null or "connection-lost" ? "shutting-down" : _closeReason ?? "closed";
        if (reason is not ("client-closed" or "connection-lost" or "logout"))
        {
            await SayGoodbyeAsync(reason).ConfigureAwait(false);
        }

        _services.Logger.Closed(_connection.ConnectionId, reason);
        if (reason == "slow-consumer")
        {
            _connection.Abort(new ConnectionAbortedException("slow consumer"));
        }

        await _output.CompleteAsync().ConfigureAwait(false);
        await _input.CompleteAsync().ConfigureAwait(false);
    }

    public void Dispose()
    {
        _closing.Dispose();
        _json.Dispose();
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
        _json.Reset(_output);
        _json.WriteStartObject();
        _json.WriteString("reason"u8, reason);
        _json.WriteString("message"u8, message);
        _json.WriteEndObject();
        _json.Flush();
        WireWriter.WriteLineEnd(_output);
    }
}
