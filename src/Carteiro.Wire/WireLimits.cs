namespace Carteiro.Wire;

/// <summary>
/// The sizes a frame reader enforces before it spends memory on a frame.
/// </summary>
/// <param name="MaxLineLength">Longest text segment (between CRLFs or literals), in bytes.</param>
/// <param name="MaxLiteralLength">Largest single literal, in bytes.</param>
/// <param name="MaxFrameLength">Largest frame: all text segments and literals together, in bytes.</param>
/// <param name="MaxLiteralsPerFrame">Most literals one frame may carry.</param>
public sealed record WireLimits(int MaxLineLength, long MaxLiteralLength, long MaxFrameLength, int MaxLiteralsPerFrame)
{
    /// <summary>Limits for a server reading commands: 8 KiB lines, 32 MiB frames.</summary>
    public static WireLimits Default { get; } = new(8 * 1024, 32L * 1024 * 1024, 33L * 1024 * 1024, 64);

    /// <summary>Limits for a client reading a trusted server's replies: long lines allowed.</summary>
    public static WireLimits Client { get; } = new(16 * 1024 * 1024, 1L << 30, 1L << 31, 1024);
}
