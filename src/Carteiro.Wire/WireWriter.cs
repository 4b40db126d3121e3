using System.Buffers;
using System.Text;

namespace Carteiro.Wire;

/// <summary>
/// Helpers that write protocol text straight into a buffer writer (a PipeWriter on either side),
/// so replies are built without intermediate strings.
/// </summary>
public static class WireWriter
{
    private static ReadOnlySpan<byte> Crlf => "\r\n"u8;

    /// <summary>Writes raw bytes.</summary>
    public static void Write(IBufferWriter<byte> writer, ReadOnlySpan<byte> bytes)
    {
        var span = writer.GetSpan(bytes.Length);
        bytes.CopyTo(span);
        writer.Advance(bytes.Length);
    }

    /// <summary>Writes a string as UTF-8.</summary>
    public static void WriteUtf8(IBufferWriter<byte> writer, string text)
    {
        int max = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (max <= 4096)
        {
            var span = writer.GetSpan(max);
            int n = Encoding.UTF8.GetBytes(text, span);
            writer.Advance(n);
            return;
        }

        Encoding.UTF8.GetBytes(text.AsSpan(), writer);
    }

    /// <summary>Writes a decimal number.</summary>
    public static void WriteNumber(IBufferWriter<byte> writer, long value)
    {
        var span = writer.GetSpan(20);
        System.Buffers.Text.Utf8Formatter.TryFormat(value, span, out int n);
        writer.Advance(n);
    }

    /// <summary>Writes CRLF.</summary>
    public static void WriteLineEnd(IBufferWriter<byte> writer) => Write(writer, Crlf);

    /// <summary>
    /// Writes an argument so that it parses back to <paramref name="value"/>: an atom when it can,
    /// a quoted string when it has spaces or quotes, a literal when it holds line breaks or
    /// control characters or is long.
    /// </summary>
    public static void WriteArgument(IBufferWriter<byte> writer, string value)
    {
        if (value.Length > 0 && value.Length < 1024 && IsAtom(value))
        {
            WriteUtf8(writer, value);
            return;
        }

        if (value.Length < 1024 && !value.AsSpan().ContainsAny('\r', '\n', '\0'))
        {
            Write(writer, "\""u8);
            WriteUtf8(writer, value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal));
            Write(writer, "\""u8);
            return;
        }

        WriteLiteral(writer, Encoding.UTF8.GetBytes(value));
    }

    /// <summary>Writes <c>{N}</c> CRLF and the bytes: the rest of the frame follows on.</summary>
    public static void WriteLiteral(IBufferWriter<byte> writer, ReadOnlySpan<byte> bytes)
    {
        Write(writer, "{"u8);
        WriteNumber(writer, bytes.Length);
        Write(writer, "}\r\n"u8);
        Write(writer, bytes);
    }

    /// <summary>True when <paramref name="value"/> can be sent as an atom.</summary>
    public static bool IsAtom(string value)
    {
        if (value.Length == 0)
        {
            return false;
        }

        foreach (char c in value)
        {
            if (c <= ' ' || c == '"' || c == 0x7f)
            {
                return false;
            }
        }

        // A trailing "{digits}" would read as a literal marker.
        return !(value[^1] == '}' && value.Contains('{', StringComparison.Ordinal));
    }
}
