using System.Buffers.Text;
using System.Text;

namespace Carteiro.Benchmarks.Live;

/// <summary>
/// What the live scenarios send: a numbered message, <c>f&lt;number&gt;</c> (the native subject,
/// the first word of the IRC text), followed by a body of printable words of a fixed size, the
/// same bytes for every server. The number is how a receiver tells which message arrived.
/// </summary>
internal static class MessageText
{
    /// <summary>The marker in front of a message's number.</summary>
    public const byte Marker = (byte)'f';

    /// <summary>A body of exactly <paramref name="size"/> ASCII bytes: words and spaces, no line breaks.</summary>
    public static byte[] Body(int size)
    {
        const string Words = "the quick brown fox jumps over the lazy dog while the mail goes out to everyone online ";
        var text = new StringBuilder(size + Words.Length);
        while (text.Length < size)
        {
            text.Append(Words);
        }

        var body = Encoding.ASCII.GetBytes(text.ToString(0, size));

        // A trailing space would be trimmed by some servers (IRC): end on a letter.
        if (size > 0)
        {
            body[^1] = (byte)'.';
        }

        return body;
    }

    /// <summary>Reads the number right after <paramref name="at"/> in <paramref name="line"/>: "17" from "…f17…".</summary>
    public static bool TryNumberAt(ReadOnlySpan<byte> line, int at, out int number)
    {
        number = 0;
        return at >= 0 && at < line.Length && Utf8Parser.TryParse(line[at..], out number, out int consumed) && consumed > 0;
    }
}
