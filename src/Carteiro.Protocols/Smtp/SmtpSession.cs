using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Text;
using Carteiro.Core.Accounts;
using Carteiro.Protocols.Common;
using Microsoft.AspNetCore.Connections;

namespace Carteiro.Protocols.Smtp;

/// <summary>
/// One SMTP submission connection (RFC 5321, 6409): reads command lines and message data off the
/// pipe, answers each in order, and flushes the answers of a pipelined group together (RFC 2920).
/// Only the session's own loop reads and writes; the idle monitor only cancels.
/// </summary>
internal sealed partial class SmtpSession : IMonitoredConnection, IAsyncDisposable
{
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(15);

    private readonly ConnectionContext _connection;
    private readonly SmtpServices _services;
    private readonly bool _implicitTls;
    private readonly CancellationTokenSource _closing;
    private readonly string _remote;
    private readonly IPAddress? _address;
    private readonly long _openedAt = Environment.TickCount64;
    private readonly List<string> _recipients = [];
    private readonly PooledBuffer _message = new();
    private PipeReader _input;
    private PipeWriter _output;
    private SslStream? _tls;
    private TextLine _lines = new(SmtpServices.MaxCommandLength);
    private long _lastReceived = Environment.TickCount64;
    private volatile string? _closeReason;
    private bool _startTls;
    private int _errors;

    // The conversation's state: greeting, sign-in, and the transaction under way.
    private string? _clientName;
    private Account? _account;
    private bool _inTransaction;

    public SmtpSession(ConnectionContext connection, SmtpServices services, bool implicitTls)
    {
        _connection = connection;
        _services = services;
        _implicitTls = implicitTls;
        _input = connection.Transport.Input;
        _output = connection.Transport.Output;
        _closing = CancellationTokenSource.CreateLinkedTokenSource(services.Stopping, connection.ConnectionClosed);
        var endpoint = connection.RemoteEndPoint as IPEndPoint;
        _address = endpoint?.Address;
        _remote = endpoint?.ToString() ?? "?";
    }

    private string Domain => _services.Options.Domain;

    private bool Secure => _tls is not null;

    // Passwords travel in the clear without TLS: allowed only where nobody else can listen.
    private bool MaySignIn => Secure || (_address is not null && IPAddress.IsLoopback(_address)) || _services.Options.AllowPlaintextAuth;

    public async Task RunAsync()
    {
        _services.Logger.Opened(_connection.ConnectionId, _remote);
        _services.Monitor.Add(this);
        try
        {
            if (_implicitTls && !await StartTlsAsync().ConfigureAwait(false))
            {
                return;
            }

            Reply($"220 {Domain} ESMTP Carteiro ready");
            await _output.FlushAsync(_closing.Token).ConfigureAwait(false);
            await ReadLoopAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Closing: shutdown, a deadline, or the peer went away.
        }
        catch (Exception error) when (error is IOException or ConnectionResetException or ConnectionAbortedException or ObjectDisposedException or InvalidOperationException)
        {
            _closeReason ??= "connection-lost";
        }
        finally
        {
            await SayGoodbyeAsync().ConfigureAwait(false);
            _services.Monitor.Remove(this);
            _services.Logger.Closed(_connection.ConnectionId, _closeReason ?? "closed");
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
                while (_closeReason is null && !_startTls)
                {
                    if (_receiving != Receiving.Commands)
                    {
                        if (!ConsumeMessage(ref buffer))
                        {
                            break;
                        }

                        await FinishMessageAsync().ConfigureAwait(false);
                        continue;
                    }

                    var found = _lines.TryRead(ref buffer, out var line);
                    if (found == TextLine.Result.NeedMore)
                    {
                        break;
                    }

                    if (found == TextLine.Result.TooLong)
                    {
                        _services.Logger.LimitExceeded(_connection.ConnectionId, _remote, "line-too-long");
                        Error($"500 5.5.2 Line too long: the limit is {SmtpServices.MaxCommandLength} characters");
                        continue;
                    }

                    await HandleLineAsync(Encoding.UTF8.GetString(line)).ConfigureAwait(false);
                }

                if (_startTls)
                {
                    // Anything sent after STARTTLS in the clear is dropped unread (RFC 3207 section 5).
                    buffer = buffer.Slice(buffer.End);
                }
            }
            finally
            {
                _input.AdvanceTo(buffer.Start, buffer.End);
            }

            await _output.FlushAsync(token).ConfigureAwait(false);
            if (_startTls)
            {
                _startTls = false;
                if (!await StartTlsAsync().ConfigureAwait(false))
                {
                    return;
                }

                continue;
            }

            if (_closeReason is not null || result.IsCompleted)
            {
                _closeReason ??= "client-closed";
                return;
            }
        }
    }

    private async Task<bool> StartTlsAsync()
    {
        var settings = _services.Tls ?? throw new InvalidOperationException("TLS asked for without a certificate");
        var tls = new SslStream(new DuplexPipeStream(_connection.Transport), leaveInnerStreamOpen: false);
        using var handshake = CancellationTokenSource.CreateLinkedTokenSource(_closing.Token);
        handshake.CancelAfter(HandshakeTimeout);
        try
        {
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = settings.Certificate }, handshake.Token).ConfigureAwait(false);
        }
        catch (Exception error) when (error is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
        {
            _services.Logger.TlsFailed(_remote, error.Message);
            _closeReason = "tls-failed";
            await tls.DisposeAsync().ConfigureAwait(false);
            return false;
        }

        _tls = tls;
        _input = PipeReader.Create(tls, new StreamPipeReaderOptions(leaveOpen: true));
        _output = PipeWriter.Create(tls, new StreamPipeWriterOptions(leaveOpen: true));
        _lines = new TextLine(SmtpServices.MaxCommandLength);

        // A fresh start: what was said in the clear no longer counts (RFC 3207 section 4.2).
        _clientName = null;
        _account = null;
        ResetTransaction();
        return true;
    }

    private void Reply(string line)
    {
        int length = Encoding.UTF8.GetByteCount(line);
        var span = _output.GetSpan(length + 2);
        Encoding.UTF8.GetBytes(line, span);
        span[length] = (byte)'\r';
        span[length + 1] = (byte)'\n';
        _output.Advance(length + 2);
    }

    // A bad command: answered, counted, and past the cap the session ends.
    private void Error(string line)
    {
        Reply(line);
        if (++_errors >= SmtpServices.MaxErrors)
        {
            _services.Logger.LimitExceeded(_connection.ConnectionId, _remote, "too-many-errors");
            Reply($"421 4.7.0 {Domain} Too many errors, closing the connection");
            _closeReason = "too-many-errors";
        }
    }

    public void CheckDeadlines(long nowTicks)
    {
        if (_account is null && nowTicks - _openedAt > (long)_services.Options.SignInTimeout.TotalMilliseconds)
        {
            Close("sign-in-timeout");
        }
        else if (nowTicks - Volatile.Read(ref _lastReceived) > (long)_services.Options.IdleTimeout.TotalMilliseconds)
        {
            Close("idle-timeout");
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

    // The last word, when there is still someone to hear it.
    private async Task SayGoodbyeAsync()
    {
        string? farewell = _closeReason switch
        {
            "sign-in-timeout" or "idle-timeout" => $"421 4.4.2 {Domain} Timeout, closing the connection",
            _ when _services.Stopping.IsCancellationRequested => $"421 4.3.2 {Domain} Shutting down, try again later",
            _ => null,
        };
        try
        {
            if (farewell is not null)
            {
                Reply(farewell);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _output.FlushAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception error) when (error is OperationCanceledException or IOException or ObjectDisposedException or InvalidOperationException or ConnectionResetException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        _message.Dispose();
        if (_tls is not null)
        {
            await _input.CompleteAsync().ConfigureAwait(false);
            await _output.CompleteAsync().ConfigureAwait(false);
            await _tls.DisposeAsync().ConfigureAwait(false);
        }

        _closing.Dispose();
    }
}
