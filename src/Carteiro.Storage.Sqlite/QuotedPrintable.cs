namespace Carteiro.Storage.Sqlite;

/// <summary>
/// Decodes quoted-printable bytes (RFC 2045 6.7) for <see cref="StoredBody"/>: <c>=XX</c> is the
/// byte XX, <c>=</c> before a line break is a soft break and goes, and every other byte stays,
/// hard line breaks included. Anything else (a lone <c>=</c>, spaces before a soft break) is
/// kept as it is. That leniency is safe here: a text is only stored as a place in its document
/// after this decoding gave exactly that text back.
/// </summary>
internal static class QuotedPrintable
{
    /// <summary>Decodes <paramref name="encoded"/> into <paramref name="output"/> (at least as long); returns the bytes written.</summary>
    public static int Decode(ReadOnlySpan<byte> encoded, Span<byte> output)
    {
        int written = 0;
        while (true)
        {
            int at = encoded.IndexOf((byte)'=');
            var run = at < 0 ? encoded : encoded[..at];
            run.CopyTo(output[written..]);
            written += run.Length;
            if (at < 0)
            {
                return written;
            }

            var rest = encoded[(at + 1)..];
            if (rest.StartsWith("\r\n"u8))
            {
                encoded = rest[2..];
            }
            else if (rest.StartsWith("\n"u8))
            {
                encoded = rest[1..];
            }
            else if (rest.Length >= 2 && Hex(rest[0]) is int high and >= 0 && Hex(rest[1]) is int low and >= 0)
            {
                output[written++] = (byte)((high << 4) | low);
                encoded = rest[2..];
            }
            else
            {
                output[written++] = (byte)'=';
                encoded = rest;
            }
        }
    }

    private static int Hex(byte digit) => digit switch
    {
        >= (byte)'0' and <= (byte)'9' => digit - '0',
        >= (byte)'A' and <= (byte)'F' => digit - 'A' + 10,
        >= (byte)'a' and <= (byte)'f' => digit - 'a' + 10,
        _ => -1,
    };
}
