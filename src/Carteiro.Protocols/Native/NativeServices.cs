using Carteiro.Core;
using Carteiro.Core.Accounts;
using Carteiro.Core.Delivery;
using Carteiro.Core.Live;
using Carteiro.Protocols.Common;
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

    /// <summary>Cancelled when the server begins to stop.</summary>
    public CancellationToken Stopping { get; }

    /// <summary>The server's name and version for the greeting.</summary>
    public static string ServerVersion { get; } = "carteiro/" + (typeof(NativeServices).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");
}
