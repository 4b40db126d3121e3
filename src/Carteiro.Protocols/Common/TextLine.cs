using System.Buffers;

namespace Carteiro.Protocols.Common;

/// <summary>
/// Finds CRLF-terminated command lines in a pipe's buffer for the line-based mail doors (SMTP,
/// POP3, IMAP) without ever holding more than the limit: a line longer than the limit is skipped
/// to its end and reported, not buffered.
/// </summary>
internal struct TextLine(int maxLength)
{
    private bool _discarding;

    /// <summary>What <see cref="TryRead"/> found.</summary>
    public enum Result
    {
        /// <summary>Nothing complete yet: read more.</summary>
        NeedMore,

        /// <summary>A line, without its line ending.</summary>
        Line,

        /// <summary>A line longer than the limit ended; it was dropped.</summary>
        TooLong,
    }

    public Result TryRead(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        line = default;
        var end = buffer.PositionOf((byte)'\n');
        if (end is null)
        {
            if (buffer.Length > maxLength)
            {
                // Drop what is held so far and keep dropping until this line ends.
                _discarding = true;
                buffer = buffer.Slice(buffer.End);
            }

            return Result.NeedMore;
        }

        var content = buffer.Slice(0, end.Value);
        buffer = buffer.Slice(buffer.GetPosition(1, end.Value));
        if (_discarding || content.Length > maxLength)
        {
            _discarding = false;
            return Result.TooLong;
        }

        if (!content.IsEmpty && content.Slice(content.Length - 1).FirstSpan[0] == (byte)'\r')
        {
            content = content.Slice(0, content.Length - 1);
        }

        line = content;
        return Result.Line;
    }
}
