using System.Buffers;

namespace Carteiro.Wire;

/// <summary>
/// One command or reply as read off the wire: text segments (CRLF and literal markers removed)
/// with the literals that followed each but the last. Literal bytes live in pooled buffers that
/// <see cref="Dispose"/> returns.
/// </summary>
public sealed class Frame : IDisposable
{
    private readonly List<byte[]> _segments = new(2);
    private readonly List<(byte[] Buffer, int Length)> _literals = [];

    /// <summary>Set when the reader refused this frame; its content is then incomplete.</summary>
    public WireError Error { get; internal set; }

    /// <summary>Number of text segments; always one more than the number of literals.</summary>
    public int SegmentCount => _segments.Count;

    /// <summary>Number of literals the frame carries.</summary>
    public int LiteralCount => _literals.Count;

    /// <summary>Returns text segment <paramref name="index"/> without its line ending.</summary>
    public ReadOnlySpan<byte> Segment(int index) => _segments[index];

    /// <summary>Returns literal <paramref name="index"/>, which followed segment <paramref name="index"/>.</summary>
    public ReadOnlyMemory<byte> Literal(int index)
    {
        var (buffer, length) = _literals[index];
        return buffer.AsMemory(0, length);
    }

    internal void AddSegment(ReadOnlySequence<byte> text) => _segments.Add(text.ToArray());

    internal void AddSegment(byte[] text) => _segments.Add(text);

    internal void AddLiteral(byte[] buffer, int length) => _literals.Add((buffer, length));

    /// <summary>Returns the literal buffers to the pool.</summary>
    public void Dispose()
    {
        foreach (var (buffer, _) in _literals)
        {
            if (buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        _literals.Clear();
        _segments.Clear();
    }
}
