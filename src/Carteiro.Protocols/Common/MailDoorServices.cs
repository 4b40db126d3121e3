using Carteiro.Core;
using Carteiro.Core.Accounts;
using Carteiro.Core.Delivery;
using Carteiro.Core.Live;
using Microsoft.Extensions.Logging;

namespace Carteiro.Protocols.Common;

/// <summary>What every session of the standard mail doors (SMTP, POP3, IMAP) needs, made once per server.</summary>
public sealed class MailDoorServices(
    AccountService accounts,
    MailService mail,
    SessionHub hub,
    CarteiroOptions options,
    ConnectionLimiter limiter,
    IdleMonitor monitor,
    TlsSettings? tls,
    ILoggerFactory loggers,
    CancellationToken stopping)
{
    /// <summary>The longest command line taken (RFC 5321 asks for 512; SASL answers need more).</summary>
    public const int MaxCommandLength = 4096;

    /// <summary>How many bad commands a session may send before it is closed.</summary>
    public const int MaxErrors = 10;

    /// <summary>Sign-in, shared with every door (and its throttle).</summary>
    public AccountService Accounts { get; } = accounts;

    /// <summary>Mail operations.</summary>
    public MailService Mail { get; } = mail;

    /// <summary>Where signed-in sessions learn of new mail and changes (IMAP IDLE).</summary>
    public SessionHub Hub { get; } = hub;

    /// <summary>Limits and policy.</summary>
    public CarteiroOptions Options { get; } = options;

    /// <summary>Per-address connection cap, across every door.</summary>
    public ConnectionLimiter Limiter { get; } = limiter;

    /// <summary>Sign-in and idle deadlines.</summary>
    public IdleMonitor Monitor { get; } = monitor;

    /// <summary>The certificate for STARTTLS/STLS and implicit TLS; null when the server has none.</summary>
    public TlsSettings? Tls { get; } = tls;

    /// <summary>Where each door gets its log.</summary>
    public ILoggerFactory Loggers { get; } = loggers;

    /// <summary>Cancelled when the server begins to stop.</summary>
    public CancellationToken Stopping { get; } = stopping;
}
