using Carteiro.Core;
using Carteiro.Core.Accounts;
using Carteiro.Core.Delivery;
using Carteiro.Core.Live;
using Carteiro.Protocols.Common;
using Carteiro.Wire;
using Microsoft.Extensions.Logging;

namespace Carteiro.Protocols.Native;

/// <summary>What every native session needs, made once per server.</summary>
public sealed class NativeServices
{
    /// <summary>Bundles the server's services for the native door.</summary>
    public NativeServices(
        AccountService accounts,
        MailService mail,
        SessionHub hub,
        CarteiroOptions options,
        ConnectionLimiter limiter,
        IdleMonitor monitor,
        ILoggerFactory loggers,
        CancellationToken stopping)
    {
        Accounts = accounts;
        Mail = mail;
        Hub = hub;
        Options = options;
        Limiter = limiter;
        Monitor = monitor;
        Logger = loggers.CreateLogger("Carteiro.Native");
        Stopping = stopping;
        WireLimits = new WireLimits(
            options.MaxLineLength,
            options.MaxMessageSize + (1024 * 1024),
            options.MaxMessageSize + (1024 * 1024),
            options.MaxAttachments + 2);
    }

    /// <summary>Registration and sign-in.</summary>
    public AccountService Accounts { get; }

    /// <summary>Mail operations.</summary>
    public MailService Mail { get; }

    /// <summary>Presence and push.</summary>
    public SessionHub Hub { get; }

    /// <summary>Limits and policy.</summary>
    public CarteiroOptions Options { get; }

    /// <summary>Per-address connection cap.</summary>
    public ConnectionLimiter Limiter { get; }

    /// <summary>Sign-in and idle deadlines.</summary>
    public IdleMonitor Monitor { get; }

    /// <summary>The door's log.</summary>
    public ILogger Logger { get; }

    /// <summary>What a frame may hold: a whole message and its attachments, with room for the command around it.</summary>
    public WireLimits WireLimits { get; }

    /// <summary>
    /// A connection's receive buffer while bytes are arriving: room for more than a longest line,
    /// so a partial line always fits.
    /// </summary>
    public int ReceiveBufferSize => Math.Max(16 * 1024, Options.MaxLineLength + 2);

    /// <summary>Cancelled when the server begins to stop.</summary>
    public CancellationToken Stopping { get; }

    /// <summary>The server's name and version for the greeting.</summary>
    public static string ServerVersion { get; } = "carteiro/" + (typeof(NativeServices).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");
}
