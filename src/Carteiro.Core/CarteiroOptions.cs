namespace Carteiro.Core;

/// <summary>Who may send a message to everyone.</summary>
public enum BroadcastPolicy
{
    Everyone,
    Admins,
}

/// <summary>
/// Server policy and limits, in one place so every door enforces the same numbers.
/// Immutable: make variants with <c>with</c>.
/// </summary>
public sealed record CarteiroOptions
{
    /// <summary>The defaults a fresh server runs with.</summary>
    public static CarteiroOptions Default { get; } = new();

    /// <summary>Mail domain: user <c>bob</c> is <c>bob@Domain</c> in MIME headers.</summary>
    public string Domain { get; init; } = "localhost";

    /// <summary>Whether anyone may create an account with REGISTER.</summary>
    public bool RegistrationOpen { get; init; } = true;

    /// <summary>Who may send to everyone.</summary>
    public BroadcastPolicy Broadcast { get; init; } = BroadcastPolicy.Everyone;

    /// <summary>Largest message (the stored MIME document), in bytes. Default 25 MiB.</summary>
    public long MaxMessageSize { get; init; } = 25L * 1024 * 1024;

    /// <summary>Longest subject, in characters (RFC 5322's line limit).</summary>
    public int MaxSubjectLength { get; init; } = 998;

    /// <summary>Most recipients (To, Cc and Bcc together) of one message.</summary>
    public int MaxRecipients { get; init; } = 1000;

    /// <summary>Most attachments on one message.</summary>
    public int MaxAttachments { get; init; } = 50;

    /// <summary>Longest command line, in bytes.</summary>
    public int MaxLineLength { get; init; } = 8 * 1024;

    /// <summary>Most commands one connection may have waiting for a reply.</summary>
    public int MaxCommandsInFlight { get; init; } = 128;

    /// <summary>Time a connection may stay open without signing in.</summary>
    public TimeSpan SignInTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Time without any byte from the client before it is taken as gone (keepalive).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Most simultaneous connections from one IP address.</summary>
    public int MaxConnectionsPerAddress { get; init; } = 200;

    /// <summary>
    /// Whether idle native connections wait in one epoll set of the door's (Linux on x64) rather
    /// than each in a pending receive of the runtime's, which keeps about 0.5 KB of objects alive
    /// per connection. Both ways behave the same; elsewhere the runtime's is the only one.
    /// </summary>
    public bool NativeWaitsWithEpoll { get; init; } = true;

    /// <summary>Events queued for one session before it is dropped as too slow.</summary>
    public int MaxQueuedEvents { get; init; } = 4096;

    /// <summary>PBKDF2-SHA256 iterations for new password hashes (OWASP 2023: 600,000).</summary>
    public int PasswordIterations { get; init; } = 600_000;

    /// <summary>Failed sign-ins for one account before further attempts are slowed down.</summary>
    public int SignInFreeFailuresPerAccount { get; init; } = 3;

    /// <summary>
    /// Failed sign-ins from one address before it is slowed down: higher than per account, since
    /// many people may share one address.
    /// </summary>
    public int SignInFreeFailuresPerAddress { get; init; } = 20;

    /// <summary>Shortest password accepted.</summary>
    public int MinPasswordLength { get; init; } = 8;

    /// <summary>
    /// Lets mail doors take passwords without TLS from any address. Off by default: without TLS,
    /// password sign-in is allowed on loopback only.
    /// </summary>
    public bool AllowPlaintextAuth { get; init; }
}
