using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace Carteiro.Protocols.Common;

/// <summary>
/// A connection of a line-based mail door (SMTP, POP3): reads CRLF command lines off the pipe
/// within a length limit, answers each in order and flushes the answers of a pipelined group
/// together; starts TLS at once (implicit) or when the door's STARTTLS/STLS asks; caps bad
/// commands; closes on the sign-in and idle deadlines. Only the session's own loop reads and
/// writes; the idle monitor only cancels.
/// </summary>
internal abstract class TextSession : IMonitoredConnection, IAsyncDisposable
{
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(15);

    private readonly bool _implicitTls;
    private readonly CancellationTokenSource _closing;
    private readonly long _openedAt = Environment.TickCount64;
    private PipeReader _input;
    private SslStream? _tls;
    private TextLine _lines;
    private long _lastReceived = Environment.TickCount64;
    private volatile string? _closeReason;
    private int _errors;

    protected TextSession(ConnectionContext connection, MailDoorServices services, ILogger logger, string door, bool implicitTls)
    {
        Connection = connection;
        Services = services;
        Logger = logger;
        Door = door;
        _implicitTls = implicitTls;
        _input = connection.Transport.Input;
        _lines = new TextLine(MaxLineLength);
        Output = connection.Transport.Output;
        _closing = CancellationTokenSource.CreateLinkedTokenSource(services.Stopping, connection.ConnectionClosed);
        var endpoint = connection.RemoteEndPoint as IPEndPoint;
        Address = endpoint?.Address;
        Remote = endpoint?.ToString() ?? "?";
    }

    protected ConnectionContext Connection { get; }

    protected MailDoorServices Services { get; }

    protected ILogger Logger { get; }

    /// <summary>The door's name in the log: SMTP, POP3.</summary>
    protected string Door { get; }

    protected IPAddress? Address { get; }

    protected string Remote { get; }

    protected PipeWriter Output { get; private set; }

    protected CancellationToken Closing => _closing.Token;

    /// <summary>Set to end the session after the answers written so far are sent.</summary>
    protected string? CloseReason
    {
        get => _closeReason;
        set => _closeReason = value;
    }

    /// <summary>Set after answering STARTTLS/STLS: the handshake starts once that answer is sent.</summary>
    protected bool StartTlsRequested { get; set; }

    protected bool Secure => _tls is not null;

    /// <summary>Passwords travel in the clear without TLS: allowed only where nobody else can listen.</summary>
    protected bool MaySignIn => Secure || (Address is not null && IPAddress.IsLoopback(Address)) || Services.Options.AllowPlaintextAuth;

    protected string Domain => Services.Options.Domain;

    protected abstract bool SignedIn { get; }

    /// <summary>The answer to a line longer than the limit.</summary>
    protected abstract string LineTooLongReply { get; }

    /// <summary>The last answer before closing a session that made too many mistakes.</summary>
    protected abstract string TooManyErrorsReply { get; }

    /// <summary>The longest command line taken.</summary>
    protected virtual int MaxLineLength => MailDoorServices.MaxCommandLength;

    /// <summary>How long a signed-in session may stay silent.</summary>
    protected virtual TimeSpan IdleTimeout => Services.Options.IdleTimeout;

    /// <summary>True while the session takes raw data (a message body) rather than command lines.</summary>
    protected virtual bool ReceivingData => false;

    protected abstract void WriteGreeting();

    protected abstract Task HandleLineAsync(string line);

    /// <summary>Takes data off the buffer; true when a whole unit (message, chunk) has arrived.</summary>
    protected virtual bool TryConsumeData(ref ReadOnlySequence<byte> buffer) => throw new InvalidOperationException("this door takes no data");

    /// <summary>Acts on a unit of data that has arrived in full.</summary>
    protected virtual Task FinishDataAsync() => Task.CompletedTask;

    /// <summary>Forgets what was said in the clear once TLS is up (RFC 3207 section 4.2, RFC 2595).</summary>
    protected virtual void OnTlsStarted()
    {
    }

    /// <summary>
    /// Called on the session's own loop after <see cref="WakeReader"/>: the one place where news
    /// from elsewhere (IMAP IDLE) is written while the client sends nothing.
    /// </summary>
    protected virtual Task OnWokenAsync() => Task.CompletedTask;

    /// <summary>
    /// Makes the session's pending read return at once so that <see cref="OnWokenAsync"/> runs;
    /// safe from any thread.
    /// </summary>
    protected void WakeReader() => Volatile.Read(ref _input).CancelPendingRead();

    /// <summary>The last answer when the session ends for <paramref name="reason"/>, if any.</summary>
    protected abstract string? Farewell(string reason);

    /// <summary>
    /// Runs a connection of a mail door within the per-address connection cap: over the cap it is
    /// told so (in the clear only; a TLS client would not understand) and closed.
    /// </summary>
    public static async Task RunLimitedAsync(ConnectionContext connection, MailDoorServices services, ILogger logger, string door,
        ReadOnlyMemory<byte> tooManyConnections, bool implicitTls, Func<TextSession> create)
    {
        var address = (connection.RemoteEndPoint as IPEndPoint)?.Address;
        if (!services.Limiter.TryAcquire(address))
        {
            MailDoorLog.TooManyConnections(logger, door, address?.ToString() ?? "?");
            if (!implicitTls)
            {
                await connection.Transport.Output.WriteAsync(tooManyConnections).ConfigureAwait(false);
            }

            await connection.Transport.Output.CompleteAsync().ConfigureAwait(false);
            return;
        }

        try
        {
            await using var session = create();
            await session.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            services.Limiter.Release(address);
        }
    }

    public async Task RunAsync()
    {
        MailDoorLog.Opened(Logger, Door, Connection.ConnectionId, Remote);
        Services.Monitor.Add(this);
        try
        {
            if (_implicitTls && !await StartTlsAsync().ConfigureAwait(false))
            {
                return;
            }

            WriteGreeting();
            await Output.FlushAsync(Closing).ConfigureAwait(false);
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
            Services.Monitor.Remove(this);
            MailDoorLog.Closed(Logger, Door, Connection.ConnectionId, _closeReason ?? "closed");
        }
    }

    private async Task ReadLoopAsync()
    {
        var token = Closing;
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
                while (_closeReason is null && !StartTlsRequested)
                {
                    if (ReceivingData)
                    {
                        if (!TryConsumeData(ref buffer))
                        {
                            break;
                        }

                        await FinishDataAsync().ConfigureAwait(false);
                        continue;
                    }

                    var found = _lines.TryRead(ref buffer, out var line);
                    if (found == TextLine.Result.NeedMore)
                    {
                        break;
                    }

                    if (found == TextLine.Result.TooLong)
                    {
                        MailDoorLog.LimitExceeded(Logger, Door, Connection.ConnectionId, Remote, "line-too-long");
                        Error(LineTooLongReply);
                        continue;
                    }

                    await HandleLineAsync(Encoding.UTF8.GetString(line)).ConfigureAwait(false);
                }

                if (StartTlsRequested)
                {
                    // Anything sent after STARTTLS in the clear is dropped unread (RFC 3207 section 5).
                    buffer = buffer.Slice(buffer.End);
                }
            }
            finally
            {
                _input.AdvanceTo(buffer.Start, buffer.End);
            }

            if (result.IsCanceled && _closeReason is null)
            {
                await OnWokenAsync().ConfigureAwait(false);
            }

            await Output.FlushAsync(token).ConfigureAwait(false);
            if (StartTlsRequested)
            {
                StartTlsRequested = false;
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
        var settings = Services.Tls ?? throw new InvalidOperationException("TLS asked for without a certificate");
        var tls = new SslStream(new DuplexPipeStream(Connection.Transport), leaveInnerStreamOpen: false);
        using var handshake = CancellationTokenSource.CreateLinkedTokenSource(Closing);
        handshake.CancelAfter(HandshakeTimeout);
        try
        {
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = settings.Certificate }, handshake.Token).ConfigureAwait(false);
        }
        catch (Exception error) when (error is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
        {
            MailDoorLog.TlsFailed(Logger, Door, Remote, error.Message);
            _closeReason = "tls-failed";
            await tls.DisposeAsync().ConfigureAwait(false);
            return false;
        }

        _tls = tls;
        _input = PipeReader.Create(tls, new StreamPipeReaderOptions(leaveOpen: true));
        Output = PipeWriter.Create(tls, new StreamPipeWriterOptions(leaveOpen: true));
        _lines = new TextLine(MaxLineLength);
        OnTlsStarted();
        return true;
    }

    /// <summary>Writes one answer line (CRLF added); sent with the rest of the group.</summary>
    protected void Reply(string line)
    {
        int length = Encoding.UTF8.GetByteCount(line);
        var span = Output.GetSpan(length + 2);
        Encoding.UTF8.GetBytes(line, span);
        span[length] = (byte)'\r';
        span[length + 1] = (byte)'\n';
        Output.Advance(length + 2);
    }

    /// <summary>Answers a bad command; past the cap the session ends.</summary>
    protected void Error(string line)
    {
        Reply(line);
        if (++_errors >= MailDoorServices.MaxErrors)
        {
            MailDoorLog.LimitExceeded(Logger, Door, Connection.ConnectionId, Remote, "too-many-errors");
            Reply(TooManyErrorsReply);
            _closeReason = "too-many-errors";
        }
    }

    // What the client sent, safe to echo in one reply line.
    protected static string Printable(string text) => Echo.Printable(text, 100);

    /// <summary>The user name in a sign-in: "bob" and "bob@DOMAIN" both name user bob.</summary>
    protected string LocalName(string user) => Core.Accounts.MailAddresses.TryLocalName(user, Domain, out string name) ? name : user;

    /// <summary>True when a SASL authorization identity asks for nothing more than the user's own.</summary>
    protected bool ActsAsSelf(string authorizationId, string user) =>
        authorizationId.Length == 0 || string.Equals(LocalName(authorizationId), LocalName(user), StringComparison.OrdinalIgnoreCase);

    /// <summary>How a password sign-in ended: the account, or the wait a throttled address must keep, or neither (refused).</summary>
    protected readonly record struct SignInOutcome(Core.Accounts.Account? Account, int? RetryAfterSeconds);

    /// <summary>Checks a password through the accounts (and their throttle, shared with every door) and logs the outcome; the door words the answer.</summary>
    protected async Task<SignInOutcome> SignInAsync(string user, string password)
    {
        string name = LocalName(user);
        try
        {
            var account = await Services.Accounts.SignInAsync(name, password, Address?.ToString() ?? "", Closing).ConfigureAwait(false);
            MailDoorLog.SignedIn(Logger, Door, account.Name, Remote);
            return new SignInOutcome(account, null);
        }
        catch (Core.Errors.CarteiroException refused) when (refused.Code == Core.Errors.ErrorCode.Throttled)
        {
            MailDoorLog.SignInFailed(Logger, Door, name, Remote, "throttled");
            return new SignInOutcome(null, (int)Math.Ceiling((refused.RetryAfter ?? TimeSpan.FromSeconds(1)).TotalSeconds));
        }
        catch (Core.Errors.CarteiroException refused)
        {
            MailDoorLog.SignInFailed(Logger, Door, name, Remote, Core.Errors.ErrorCodes.ToWire(refused.Code));
            return new SignInOutcome(null, null);
        }
    }

    public void CheckDeadlines(long nowTicks)
    {
        if (Deadlines.Passed(SignedIn, _openedAt, Volatile.Read(ref _lastReceived), nowTicks, Services.Options.SignInTimeout, IdleTimeout) is { } passed)
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

    // The last word, when there is still someone to hear it.
    private async Task SayGoodbyeAsync()
    {
        string reason = Services.Stopping.IsCancellationRequested && _closeReason is null or "connection-lost" ? "shutting-down" : _closeReason ?? "closed";
        try
        {
            if (Farewell(reason) is { } farewell)
            {
                Reply(farewell);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await Output.FlushAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception error) when (error is OperationCanceledException or IOException or ObjectDisposedException or InvalidOperationException or ConnectionResetException)
        {
        }
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_tls is not null)
        {
            await _input.CompleteAsync().ConfigureAwait(false);
            await Output.CompleteAsync().ConfigureAwait(false);
            await _tls.DisposeAsync().ConfigureAwait(false);
        }

        _closing.Dispose();
        GC.SuppressFinalize(this);
    }
}
