namespace Carteiro.Benchmarks.Load;

/// <summary>What the load generator does. Loopback only; every loop is bounded by count and time.</summary>
internal sealed record LoadSettings
{
    public string Host { get; init; } = "127.0.0.1";

    public int Port { get; init; }

    public int Senders { get; init; } = 50;

    public int Recipients { get; init; } = 10;

    public int BodySize { get; init; } = 1024;

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Sends each sender keeps in flight (pipelined).</summary>
    public int Window { get; init; } = 16;

    /// <summary>Hard cap on sends per run, whatever the duration.</summary>
    public long MaxSends { get; init; } = 2_000_000;

    public int LatencySamples { get; init; } = 2000;
}
