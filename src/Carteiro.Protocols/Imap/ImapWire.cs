using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Carteiro.Protocols.Imap;

/// <summary>
/// Writes the pieces of IMAP responses (RFC 3501 section 4) straight into a buffer writer: atoms
/// and numbers as they are, strings quoted when they can be and as literals otherwise, NIL for
/// what is absent. Nothing is built as an intermediate string.
/// </summary>
internal static class ImapWire
{
    private const int LongestQuoted = 1024;

    /// <summary>Writes ASCII text (atoms, keywords, punctuation) as it is.</summary>
    public static void Ascii(this IBufferWriter<byte> writer, string text)
    {
        var span = writer.GetSpan(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            span[i] = (byte)text[i];
        }

        writer.Advance(text.Length);
    }

    /// <summary>Writes bytes as they are.</summary>
    public static void Raw(this IBufferWriter<byte> writer, ReadOnlySpan<byte> bytes) => writer.Write(bytes);

    /// <summary>Writes one byte.</summary>
    public static void Byte(this IBufferWriter<byte> writer, byte value)
    {
        writer.GetSpan(1)[0] = value;
        writer.Advance(1);
    }

    /// <summary>Writes CRLF.</summary>
    public static void Crlf(this IBufferWriter<byte> writer) => writer.Write("\r\n"u8);

    /// <summary>Writes a non-negative number.</summary>
    public static void Number(this IBufferWriter<byte> writer, long value)
    {
        var span = writer.GetSpan(20);
        Utf8Formatter.TryFormat(value, span, out int written);
        writer.Advance(written);
    }

    /// <summary>Writes NIL for null, else the string.</summary>
    public static void NString(this IBufferWriter<byte> writer, string? text)
    {
        if (text is null)
        {
            writer.Write("NIL"u8);
        }
        else
        {
            writer.String(text);
        }
    }

    /// <summary>Writes NIL for null, else the bytes as a string.</summary>
    public static void NString(this IBufferWriter<byte> writer, ReadOnlySpan<byte> utf8, bool isNull)
    {
        if (isNull)
        {
            writer.Write("NIL"u8);
        }
        else
        {
            writer.String(utf8);
        }
    }

    /// <summary>
    /// Writes a string: quoted when it is short 7-bit text without CR, LF or NUL, else a literal
    /// (8-bit text is only allowed in literals before UTF8=ACCEPT).
    /// </summary>
    public static void String(this IBufferWriter<byte> writer, string text)
    {
        if (text.Length <= LongestQuoted && Quotable(text))
        {
            WriteQuoted(writer, text);
            return;
        }

        int length = Encoding.UTF8.GetByteCount(text);
        writer.LiteralHeader(length);
        var span = writer.GetSpan(length);
        Encoding.UTF8.GetBytes(text, span);
        writer.Advance(length);
    }

    /// <summary>Writes UTF-8 bytes as a string, quoted or literal as for <see cref="String(IBufferWriter{byte}, string)"/>.</summary>
    public static void String(this IBufferWriter<byte> writer, ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length <= LongestQuoted && Quotable(utf8))
        {
            if (utf8.IndexOfAny((byte)'"', (byte)'\\') < 0)
            {
                // The usual case: nothing to escape, one copy.
                var plain = writer.GetSpan(utf8.Length + 2);
                plain[0] = (byte)'"';
                utf8.CopyTo(plain[1..]);
                plain[utf8.Length + 1] = (byte)'"';
                writer.Advance(utf8.Length + 2);
                return;
            }

            var span = writer.GetSpan(utf8.Length * 2 + 2);
            int at = 0;
            span[at++] = (byte)'"';
            foreach (byte b in utf8)
            {
                if (b is (byte)'"' or (byte)'\\')
                {
                    span[at++] = (byte)'\\';
                }

                span[at++] = b;
            }

            span[at++] = (byte)'"';
            writer.Advance(at);
            return;
        }

        writer.Literal(utf8);
    }

    /// <summary>Writes a literal: <c>{n}</c>, CRLF, then the bytes.</summary>
    public static void Literal(this IBufferWriter<byte> writer, ReadOnlySpan<byte> bytes)
    {
        writer.LiteralHeader(bytes.Length);
        writer.Write(bytes);
    }

    /// <summary>Writes the <c>{n}</c> CRLF that announces a literal of <paramref name="length"/> bytes.</summary>
    public static void LiteralHeader(this IBufferWriter<byte> writer, long length)
    {
        writer.Byte((byte)'{');
        writer.Number(length);
        writer.Write("}\r\n"u8);
    }

    /// <summary>Writes a string quoted, for text known to be quotable.</summary>
    private static void WriteQuoted(IBufferWriter<byte> writer, string text)
    {
        var span = writer.GetSpan(text.Length * 2 + 2);
        int at = 0;
        span[at++] = (byte)'"';
        foreach (char c in text)
        {
            if (c is '"' or '\\')
            {
                span[at++] = (byte)'\\';
            }

            span[at++] = (byte)c;
        }

        span[at++] = (byte)'"';
        writer.Advance(at);
    }

    private static bool Quotable(string text)
    {
        foreach (char c in text)
        {
            if (c is '\0' or '\r' or '\n' or > '\x7e')
            {
                return false;
            }
        }

        return true;
    }

    // 7-bit, no NUL, CR or LF: vectorised, as envelopes of whole folders go through here.
    private static bool Quotable(ReadOnlySpan<byte> text) =>
        text.IndexOfAnyExceptInRange((byte)1, (byte)0x7e) < 0 && text.IndexOfAny((byte)'\r', (byte)'\n') < 0;
}
