namespace Carteiro.Client;

/// <summary>How a <see cref="CarteiroClient"/> behaves.</summary>
public sealed record CarteiroClientOptions
{
    /// <summary>The defaults: no reconnection, 10,000 queued events, 10 s to connect.</summary>
    public static CarteiroClientOptions Default { get; } = new();

    /// <summary>Reconnect with back-off and sign in again when the connection drops.</summary>
    public bool Reconnect { get; init; }

    /// <summary>Events kept for a slow reader before the oldest are dropped.</summary>
    public int EventCapacity { get; init; } = 10_000;

    /// <summary>Time allowed to connect and read the greeting.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);
}
