using System.Buffers;
using System.Buffers.Text;

namespace Carteiro.Wire;

/// <summary>
/// Reads frames incrementally from a pipe's buffer. A frame is a line ending in CRLF; a line that
/// ends with <c>{N}</c> is followed by N raw bytes (a literal) and then the frame goes on with the
/// next line, as in IMAP. Limits are checked before any literal buffer is rented: a refused frame
/// is returned with <see cref="Frame.Error"/> set and its remaining bytes are skipped, not stored,
/// so the connection stays usable.
/// </summary>
public sealed class FrameReader
{
    private readonly WireLimits _limits;
    private Frame? _frame;
    private long _frameBytes;

    // Literal being filled.
    private byte[]? _literal;
    private int _literalLength;
    private int _literalFilled;

    // Bytes to discard after a refusal, then the rest of that line.
    private long _skipRemaining;
    private bool _skipToEndOfLine;

    /// <summary>Creates a reader that enforces <paramref name="limits"/>.</summary>
    public FrameReader(WireLimits limits) => _limits = limits;

    /// <summary>
    /// Tries to read one frame from <paramref name="buffer"/>, slicing off what it consumed.
    /// Returns false when more bytes are needed; the caller then marks the whole buffer examined.
    /// </summary>
    public bool TryRead(ref ReadOnlySequence<byte> buffer, out Frame frame)
    {
        while (true)
        {
            // Bytes of a refused frame are discarded as they arrive, never stored.
            if (_skipRemaining > 0 || _skipToEndOfLine)
            {
                if (!Skip(ref buffer))
                {
                    frame = null!;
                    return false;
                }

                continue;
            }

            if (_literal is not null)
            {
                if (!FillLiteral(ref buffer))
                {
                    frame = null!;
                    return false;
                }

                continue;
            }

            var reader = new SequenceReader<byte>(buffer);
            if (!reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n', advancePastDelimiter: true))
            {
                // MaxLineLength + 1 leaves room for a CR whose LF has not arrived yet.
                if (buffer.Length > _limits.MaxLineLength + 1)
                {
                    // No line end within the limit: refuse now, then skip to the next line feed.
                    frame = TakeFrame();
                    frame.Error = WireError.LineTooLong;
                    _skipToEndOfLine = true;
                    buffer = buffer.Slice(buffer.End);
                    return true;
                }

                frame = null!;
                return false;
            }

            buffer = buffer.Slice(reader.Position);
            _frame ??= new Frame();
            if (line.Length > _limits.MaxLineLength + 1)
            {
                frame = TakeFrame();
                frame.Error = WireError.LineTooLong;
                return true;
            }

            if (line.Length > 0 && EndsWith(line, (byte)'\r'))
            {
                line = line.Slice(0, line.Length - 1);
            }

            _frameBytes += line.Length + 2;
            if (TryLiteralMarker(line, out long literalLength, out ReadOnlySequence<byte> text))
            {
                _frame.AddSegment(text);
                var error = CheckLiteral(literalLength);
                if (error != WireError.None)
                {
                    // Refuse at once, so the client hears it before sending the payload; a payload
                    // of a known size is then discarded, with the rest of its line.
                    frame = TakeFrame();
                    frame.Error = error;
                    if (error != WireError.BadLiteral)
                    {
                        _skipRemaining = literalLength;
                        _skipToEndOfLine = true;
                    }

                    return true;
                }

                _frameBytes += literalLength;
                _literalLength = (int)literalLength;
                _literalFilled = 0;
                _literal = _literalLength == 0 ? [] : ArrayPool<byte>.Shared.Rent(_literalLength);
                continue;
            }

            _frame.AddSegment(line);
            frame = TakeFrame();
            if (_frameBytes > _limits.MaxFrameLength)
            {
                frame.Error = WireError.FrameTooLarge;
            }

            _frameBytes = 0;
            return true;
        }
    }

    private WireError CheckLiteral(long length)
    {
        if (length < 0)
        {
            return WireError.BadLiteral;
        }

        if (length > _limits.MaxLiteralLength)
        {
            return WireError.LiteralTooLarge;
        }

        if (_frameBytes + length > _limits.MaxFrameLength)
        {
            return WireError.FrameTooLarge;
        }

        return _frame!.LiteralCount >= _limits.MaxLiteralsPerFrame ? WireError.TooManyLiterals : WireError.None;
    }

    private bool FillLiteral(ref ReadOnlySequence<byte> buffer)
    {
        int wanted = _literalLength - _literalFilled;
        int take = (int)Math.Min(wanted, buffer.Length);
        buffer.Slice(0, take).CopyTo(_literal.AsSpan(_literalFilled));
        buffer = buffer.Slice(take);
        _literalFilled += take;
        if (_literalFilled < _literalLength)
        {
            return false;
        }

        _frame!.AddLiteral(_literal!, _literalLength);
        _literal = null;
        return true;
    }

    private bool Skip(ref ReadOnlySequence<byte> buffer)
    {
        if (_skipRemaining > 0)
        {
            long take = Math.Min(_skipRemaining, buffer.Length);
            buffer = buffer.Slice(take);
            _skipRemaining -= take;
            if (_skipRemaining > 0)
            {
                return false;
            }
        }

        if (_skipToEndOfLine)
        {
            var position = buffer.PositionOf((byte)'\n');
            if (position is null)
            {
                buffer = buffer.Slice(buffer.End);
                return false;
            }

            buffer = buffer.Slice(buffer.GetPosition(1, position.Value));
            _skipToEndOfLine = false;
        }

        return true;
    }

    private Frame TakeFrame()
    {
        var frame = _frame ?? new Frame();
        if (frame.SegmentCount == frame.LiteralCount)
        {
            frame.AddSegment([]);
        }

        _frame = null;
        _frameBytes = 0;
        return frame;
    }

    private static bool EndsWith(ReadOnlySequence<byte> line, byte value)
    {
        return line.Slice(line.Length - 1).FirstSpan[0] == value;
    }

    // A literal marker is "{digits}" at the very end of a line.
    private static bool TryLiteralMarker(ReadOnlySequence<byte> line, out long length, out ReadOnlySequence<byte> text)
    {
        length = 0;
        text = line;
        if (line.Length < 3 || !EndsWith(line, (byte)'}'))
        {
            return false;
        }

        Span<byte> tail = stackalloc byte[22];
        int tailLength = (int)Math.Min(line.Length, tail.Length);
        line.Slice(line.Length - tailLength).CopyTo(tail);
        tail = tail[..tailLength];
        int open = tail.LastIndexOf((byte)'{');
        if (open < 0 || open == tail.Length - 2)
        {
            return false;
        }

        var digits = tail[(open + 1)..^1];
        foreach (byte b in digits)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
        }

        if (!Utf8Parser.TryParse(digits, out length, out int used) || used != digits.Length)
        {
            length = -1;
        }

        text = line.Slice(0, line.Length - (tailLength - open));
        return true;
    }
}
