using System.Buffers;
using System.Text;
using Carteiro.Wire;

namespace Carteiro.Core.Tests.Wire;

/// <summary>
/// Drives a <see cref="FrameReader"/> the way a PipeReader loop does: each chunk is appended as a
/// new buffer segment after what the reader left unconsumed, TryRead runs until it asks for more,
/// and the remainder (keeping its segment boundaries) waits for the next chunk.
/// </summary>
internal sealed class FrameFeeder : IDisposable
{
    private readonly FrameReader _reader;
    private List<byte[]> _pending = [];

    public FrameFeeder(WireLimits limits) => _reader = new FrameReader(limits);

    public List<Frame> Frames { get; } = [];

    /// <summary>Bytes the reader has not consumed yet.</summary>
    public long PendingBytes => _pending.Sum(p => (long)p.Length);

    /// <summary>The most bytes ever left unconsumed between two chunks.</summary>
    public long MaxPendingBytes { get; private set; }

    public FrameFeeder Feed(ReadOnlySpan<byte> chunk)
    {
        if (chunk.Length > 0)
        {
            _pending.Add(chunk.ToArray());
        }

        var buffer = Segments.Of(_pending);
        while (_reader.TryRead(ref buffer, out var frame))
        {
            Frames.Add(frame);
        }

        var rest = new List<byte[]>();
        foreach (var memory in buffer)
        {
            if (!memory.IsEmpty)
            {
                rest.Add(memory.ToArray());
            }
        }

        _pending = rest;
        MaxPendingBytes = Math.Max(MaxPendingBytes, PendingBytes);
        return this;
    }

    public FrameFeeder Feed(string text) => Feed(Encoding.UTF8.GetBytes(text));

    /// <summary>Feeds <paramref name="bytes"/> in chunks of <paramref name="chunkSize"/>.</summary>
    public FrameFeeder FeedInChunks(ReadOnlySpan<byte> bytes, int chunkSize)
    {
        for (int i = 0; i < bytes.Length; i += chunkSize)
        {
            Feed(bytes.Slice(i, Math.Min(chunkSize, bytes.Length - i)));
        }

        return this;
    }

    public void Dispose()
    {
        foreach (var frame in Frames)
        {
            frame.Dispose();
        }
    }

    /// <summary>Reads every frame in <paramref name="bytes"/> fed at once.</summary>
    public static FrameFeeder ReadAll(ReadOnlySpan<byte> bytes, WireLimits? limits = null) =>
        new FrameFeeder(limits ?? WireLimits.Default).Feed(bytes);

    public static FrameFeeder ReadAll(string text, WireLimits? limits = null) => ReadAll(Encoding.UTF8.GetBytes(text), limits);
}

/// <summary>Builds multi-segment sequences, as a pipe hands them out.</summary>
internal static class Segments
{
    public static ReadOnlySequence<byte> Of(IReadOnlyList<byte[]> parts)
    {
        if (parts.Count == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(parts[0], 0);
        var last = first;
        for (int i = 1; i < parts.Count; i++)
        {
            last = last.Append(parts[i]);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}

internal static class FrameText
{
    public static string SegmentText(this Frame frame, int index) => Encoding.UTF8.GetString(frame.Segment(index));

    public static string LiteralText(this Frame frame, int index) => Encoding.UTF8.GetString(frame.Literal(index).Span);
}
