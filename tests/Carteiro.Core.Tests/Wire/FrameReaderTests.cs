using System.Text;
using Carteiro.Wire;

namespace Carteiro.Core.Tests.Wire;

public sealed class FrameReaderTests
{
    // Small limits so the tests can cross them with a few bytes.
    private static readonly WireLimits Small = new(MaxLineLength: 32, MaxLiteralLength: 64, MaxFrameLength: 160, MaxLiteralsPerFrame: 3);

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public void SingleLine_IsOneSegmentWithoutLineEnd()
    {
        using var feeder = FrameFeeder.ReadAll("a1 NOOP\r\n");

        var frame = Assert.Single(feeder.Frames);
        Assert.Equal(WireError.None, frame.Error);
        Assert.Equal(1, frame.SegmentCount);
        Assert.Equal(0, frame.LiteralCount);
        Assert.Equal("a1 NOOP", frame.SegmentText(0));
        Assert.Equal(0, feeder.PendingBytes);
    }

    [Fact]
    public void LineEndingInBareLf_IsAccepted()
    {
        using var feeder = FrameFeeder.ReadAll("a1 NOOP\na2 PING\n");

        Assert.Equal(["a1 NOOP", "a2 PING"], feeder.Frames.Select(f => f.SegmentText(0)));
        Assert.All(feeder.Frames, f => Assert.Equal(WireError.None, f.Error));
    }

    [Fact]
    public void IncompleteLine_WaitsWithoutConsuming()
    {
        using var feeder = FrameFeeder.ReadAll("a1 NO");

        Assert.Empty(feeder.Frames);
        Assert.Equal(5, feeder.PendingBytes);

        feeder.Feed("OP\r\n");
        Assert.Equal("a1 NOOP", Assert.Single(feeder.Frames).SegmentText(0));
        Assert.Equal(0, feeder.PendingBytes);
    }

    [Fact]
    public void SeveralFramesInOneBuffer_AreReadInOrder()
    {
        using var feeder = FrameFeeder.ReadAll("a1 ONE\r\na2 TWO\r\na3 THREE\r\na4 FO");

        Assert.Equal(["a1 ONE", "a2 TWO", "a3 THREE"], feeder.Frames.Select(f => f.SegmentText(0)));
        Assert.Equal(5, feeder.PendingBytes);
    }

    [Fact]
    public void OneLiteral_FollowsItsSegment()
    {
        using var feeder = FrameFeeder.ReadAll(Bytes("a2 SEND TO bob BODY {12}\r\nNoon, café?\r\n"));

        var frame = Assert.Single(feeder.Frames);
        Assert.Equal(WireError.None, frame.Error);
        Assert.Equal(2, frame.SegmentCount);
        Assert.Equal(1, frame.LiteralCount);
        Assert.Equal("a2 SEND TO bob BODY ", frame.SegmentText(0));
        Assert.Equal("Noon, café?", frame.LiteralText(0));
        Assert.Equal("", frame.SegmentText(1));
    }

    [Fact]
    public void SeveralLiterals_AlternateWithSegments()
    {
        using var feeder = FrameFeeder.ReadAll("a1 SEND BODY {3}\r\nabc ATTACH a.txt text/plain {2}\r\nde ID x1\r\na2 NOOP\r\n");

        Assert.Equal(2, feeder.Frames.Count);
        var frame = feeder.Frames[0];
        Assert.Equal(WireError.None, frame.Error);
        Assert.Equal(3, frame.SegmentCount);
        Assert.Equal(2, frame.LiteralCount);
        Assert.Equal("a1 SEND BODY ", frame.SegmentText(0));
        Assert.Equal("abc", frame.LiteralText(0));
        Assert.Equal(" ATTACH a.txt text/plain ", frame.SegmentText(1));
        Assert.Equal("de", frame.LiteralText(1));
        Assert.Equal(" ID x1", frame.SegmentText(2));
        Assert.Equal("a2 NOOP", feeder.Frames[1].SegmentText(0));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(100)]
    [InlineData(4096)]
    public void LiteralSplitAcrossChunks_ReadsLikeOneBuffer(int chunkSize)
    {
        byte[] payload = RandomBytes(10_000, seed: chunkSize);
        byte[] input = Concat(Bytes("a1 SEND BODY {10000}\r\n"), payload, Bytes(" ID x\r\na2 NOOP\r\n"));
        using var feeder = new FrameFeeder(WireLimits.Default);

        feeder.FeedInChunks(input, chunkSize);

        Assert.Equal(2, feeder.Frames.Count);
        var frame = feeder.Frames[0];
        Assert.Equal(WireError.None, frame.Error);
        Assert.Equal("a1 SEND BODY ", frame.SegmentText(0));
        Assert.Equal(payload, frame.Literal(0).ToArray());
        Assert.Equal(" ID x", frame.SegmentText(1));
        Assert.Equal("a2 NOOP", feeder.Frames[1].SegmentText(0));
        Assert.Equal(0, feeder.PendingBytes);
    }

    [Fact]
    public void LiteralBytes_AreConsumedAsTheyArrive()
    {
        // A literal is copied out of the pipe as it comes, so the pipe never holds all of it.
        byte[] input = Concat(Bytes("a1 SEND BODY {10000}\r\n"), RandomBytes(10_000, seed: 1), Bytes("\r\n"));
        using var feeder = new FrameFeeder(WireLimits.Default);

        feeder.FeedInChunks(input, 500);

        Assert.Single(feeder.Frames);
        Assert.True(feeder.MaxPendingBytes < 500, $"kept {feeder.MaxPendingBytes} bytes between reads");
    }

    [Fact]
    public void EmptyLiteral_IsAnEmptyPayload()
    {
        using var feeder = FrameFeeder.ReadAll("a1 SEND BODY {0}\r\n\r\na2 NOOP\r\n");

        Assert.Equal(2, feeder.Frames.Count);
        var frame = feeder.Frames[0];
        Assert.Equal(WireError.None, frame.Error);
        Assert.Equal(1, frame.LiteralCount);
        Assert.True(frame.Literal(0).IsEmpty);
        Assert.Equal("a2 NOOP", feeder.Frames[1].SegmentText(0));
    }

    [Fact]
    public void LiteralHoldingCrlfAndMarkerText_IsKeptVerbatim()
    {
        const string payload = "line one\r\na9 {5}\r\n\nend";
        byte[] input = Concat(Bytes($"a1 SEND BODY {{{Encoding.UTF8.GetByteCount(payload)}}}\r\n"), Bytes(payload), Bytes("\r\na2 NOOP\r\n"));

        using var feeder = FrameFeeder.ReadAll(input);

        Assert.Equal(2, feeder.Frames.Count);
        Assert.Equal(payload, feeder.Frames[0].LiteralText(0));
        Assert.Equal(2, feeder.Frames[0].SegmentCount);
        Assert.Equal("a2 NOOP", feeder.Frames[1].SegmentText(0));
    }

    [Fact]
    public void MarkerNotAtLineEnd_IsPlainText()
    {
        using var feeder = FrameFeeder.ReadAll("a1 SEND SUBJECT {5} BODY x\r\n");

        var frame = Assert.Single(feeder.Frames);
        Assert.Equal(0, frame.LiteralCount);
        Assert.Equal("a1 SEND SUBJECT {5} BODY x", frame.SegmentText(0));
    }

    [Fact]
    public void LineTooLong_WithLineEndInBuffer_IsRefusedAndNextFrameReads()
    {
        string tooLong = "a1 SEND " + new string('x', 40);

        using var feeder = FrameFeeder.ReadAll($"{tooLong}\r\na2 NOOP\r\n", Small);

        Assert.Equal(2, feeder.Frames.Count);
        Assert.Equal(WireError.LineTooLong, feeder.Frames[0].Error);
        Assert.Equal(WireError.None, feeder.Frames[1].Error);
        Assert.Equal("a2 NOOP", feeder.Frames[1].SegmentText(0));
    }

    [Fact]
    public void LineTooLong_WithoutLineEndYet_IsSkippedWithoutKeepingIt()
    {
        using var feeder = new FrameFeeder(Small);

        for (int i = 0; i < 20; i++)
        {
            feeder.Feed(new string('x', 30));
        }

        feeder.Feed("xx\r\na2 NOOP\r\n");

        Assert.Equal(2, feeder.Frames.Count);
        Assert.Equal(WireError.LineTooLong, feeder.Frames[0].Error);
        Assert.Equal("a2 NOOP", feeder.Frames[1].SegmentText(0));
        Assert.Equal(WireError.None, feeder.Frames[1].Error);
        Assert.True(feeder.MaxPendingBytes <= Small.MaxLineLength + 2, $"kept {feeder.MaxPendingBytes} bytes of an over-long line");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(33)]
    [InlineData(1000)]
    public void LineOfExactlyMaxLength_IsAcceptedHoweverItArrives(int chunkSize)
    {
        // The limit is on the line's text; CRLF does not count, wherever the reads split it.
        string line = "a1 SEND BODY " + new string('x', Small.MaxLineLength - 13);
        Assert.Equal(Small.MaxLineLength, line.Length);
        using var feeder = new FrameFeeder(Small);

        feeder.FeedInChunks(Bytes(line + "\r\na2 NOOP\r\n"), chunkSize);

        Assert.Equal(2, feeder.Frames.Count);
        Assert.Equal(WireError.None, feeder.Frames[0].Error);
        Assert.Equal(line, feeder.Frames[0].SegmentText(0));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(16)]
    [InlineData(4096)]
    public void LiteralOverLimit_IsRefusedSkippedUnstoredAndNextCommandReads(int chunkSize)
    {
        byte[] input = Concat(Bytes("a1 SEND BODY {1000}\r\n"), RandomBytes(1000, seed: 7), Bytes(" ID x\r\na2 NOOP\r\n"));
        using var feeder = new FrameFeeder(Small);

        feeder.FeedInChunks(input, chunkSize);

        Assert.Equal(2, feeder.Frames.Count);
        var refused = feeder.Frames[0];
        Assert.Equal(WireError.LiteralTooLarge, refused.Error);
        Assert.Equal(0, refused.LiteralCount);
        Assert.Equal("a1 SEND BODY ", refused.SegmentText(0));
        Assert.Equal("a2 NOOP", feeder.Frames[1].SegmentText(0));
        Assert.Equal(WireError.None, feeder.Frames[1].Error);
        Assert.True(feeder.MaxPendingBytes <= Math.Max(chunkSize, Small.MaxLineLength), $"kept {feeder.MaxPendingBytes} bytes of a refused literal");
    }

    [Fact]
    public void FrameOverLimit_IsRefusedAndNextCommandReads()
    {
        // Each literal fits, but together they pass MaxFrameLength (160).
        byte[] input = Concat(
            Bytes("a1 SEND BODY {60}\r\n"), RandomBytes(60, 1),
            Bytes(" ATTACH a b {60}\r\n"), RandomBytes(60, 2),
            Bytes(" ATTACH c d {60}\r\n"), RandomBytes(60, 3),
            Bytes("\r\na2 NOOP\r\n"));

        using var feeder = FrameFeeder.ReadAll(input, Small);

        Assert.Equal(2, feeder.Frames.Count);
        Assert.Equal(WireError.FrameTooLarge, feeder.Frames[0].Error);
        Assert.Equal("a1 SEND BODY ", feeder.Frames[0].SegmentText(0));
        Assert.Equal("a2 NOOP", feeder.Frames[1].SegmentText(0));
        Assert.Equal(WireError.None, feeder.Frames[1].Error);
    }

    [Fact]
    public void TooManyLiterals_IsRefusedAndNextCommandReads()
    {
        var builder = new StringBuilder("a1 SEND");
        for (int i = 0; i < Small.MaxLiteralsPerFrame + 1; i++)
        {
            builder.Append(" ATTACH f text/plain {2}\r\nab");
        }

        builder.Append("\r\na2 NOOP\r\n");

        using var feeder = FrameFeeder.ReadAll(builder.ToString(), Small);

        Assert.Equal(2, feeder.Frames.Count);
        Assert.Equal(WireError.TooManyLiterals, feeder.Frames[0].Error);
        Assert.Equal("a2 NOOP", feeder.Frames[1].SegmentText(0));
        Assert.Equal(WireError.None, feeder.Frames[1].Error);
    }

    [Fact]
    public void LiteralLengthOverflowingLong_IsBadLiteral()
    {
        using var feeder = FrameFeeder.ReadAll("a1 SEND BODY {99999999999999999999}\r\nx\r\n");

        Assert.NotEmpty(feeder.Frames);
        Assert.Equal(WireError.BadLiteral, feeder.Frames[0].Error);
        Assert.Equal("a1 SEND BODY ", feeder.Frames[0].SegmentText(0));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void GarbageBytes_NeverThrow(int seed)
    {
        var random = new Random(seed);
        byte[] garbage = new byte[20_000];
        random.NextBytes(garbage);
        // Salt with the bytes the reader cares about, and with NUL and 0xFF.
        ReadOnlySpan<byte> special = "\r\n{}0123456789 \"\\"u8;
        for (int i = 0; i < garbage.Length; i += random.Next(1, 12))
        {
            garbage[i] = random.Next(4) switch
            {
                0 => 0x00,
                1 => 0xFF,
                _ => special[random.Next(special.Length)],
            };
        }

        using var feeder = new FrameFeeder(Small);
        for (int i = 0; i < garbage.Length;)
        {
            int size = Math.Min(random.Next(1, 200), garbage.Length - i);
            feeder.Feed(garbage.AsSpan(i, size));
            i += size;
        }

        foreach (var frame in feeder.Frames)
        {
            bool parsed = CommandParser.TryParse(frame, out var command, out _, out string error);
            Assert.True(parsed ? command is not null : error.Length > 0);
        }

        Assert.True(feeder.MaxPendingBytes <= Small.MaxLineLength + 200, $"kept {feeder.MaxPendingBytes} bytes");
    }
}
