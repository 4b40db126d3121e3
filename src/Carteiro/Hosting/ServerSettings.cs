using System.Net;
using Carteiro.Core;
using Microsoft.Extensions.Logging;

namespace Carteiro.Hosting;

/// <summary>How to run a server: where its data lives, where it listens, and its policy.</summary>
public sealed record ServerSettings
{
    /// <summary>The native protocol's default port.</summary>
    public const int DefaultNativePort = 4480;

    /// <summary>The HTTP door's default port (web app, JSON API, live events).</summary>
    public const int DefaultHttpPort = 4481;

    /// <summary>SMTP submission's default port (587 without root: RFC 6409).</summary>
    public const int DefaultSmtpPort = 4587;

    /// <summary>SMTP submission over implicit TLS, the default port (465 without root: RFC 8314).</summary>
    public const int DefaultSubmissionsPort = 4465;

    /// <summary>POP3's default port (110 without root).</summary>
    public const int DefaultPop3Port = 4110;

    /// <summary>POP3 over implicit TLS, the default port (995 without root).</summary>
    public const int DefaultPop3sPort = 4995;

    /// <summary>IMAP's default port (143 without root).</summary>
    public const int DefaultImapPort = 4143;

    /// <summary>IMAP over implicit TLS, the default port (993 without root).</summary>
    public const int DefaultImapsPort = 4993;

    /// <summary>The data folder.</summary>
    public required string DataPath { get; init; }

    /// <summary>Where the native protocol listens; null turns it off.</summary>
    public IPEndPoint? Native { get; init; } = new(IPAddress.Loopback, DefaultNativePort);

    /// <summary>Where HTTP (web app and JSON API) listens; null turns it off.</summary>
    public IPEndPoint? Http { get; init; } = new(IPAddress.Loopback, DefaultHttpPort);

    /// <summary>Where SMTP submission (with STARTTLS when there is a certificate) listens; null turns it off.</summary>
    public IPEndPoint? Smtp { get; init; }

    /// <summary>Where SMTP submission over implicit TLS listens; null turns it off. Needs <see cref="Tls"/>.</summary>
    public IPEndPoint? Submissions { get; init; }

    /// <summary>Where POP3 (with STLS when there is a certificate) listens; null turns it off.</summary>
    public IPEndPoint? Pop3 { get; init; }

    /// <summary>Where POP3 over implicit TLS listens; null turns it off. Needs <see cref="Tls"/>.</summary>
    public IPEndPoint? Pop3s { get; init; }

    /// <summary>Where IMAP (with STARTTLS when there is a certificate) listens; null turns it off.</summary>
    public IPEndPoint? Imap { get; init; }

    /// <summary>Where IMAP over implicit TLS listens; null turns it off. Needs <see cref="Tls"/>.</summary>
    public IPEndPoint? Imaps { get; init; }

    /// <summary>The certificate and key (PEM files) for TLS in the mail doors; null: no TLS.</summary>
    public (string CertificatePath, string KeyPath)? Tls { get; init; }

    /// <summary>Policy and limits.</summary>
    public CarteiroOptions Options { get; init; } = CarteiroOptions.Default;

    /// <summary>Least log level written to the console.</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.Information;

    /// <summary>How long shutdown waits for connections to finish.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
