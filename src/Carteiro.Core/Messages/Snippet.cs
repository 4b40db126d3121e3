using System.Buffers;
using System.Text;

namespace Carteiro.Core.Messages;

/// <summary>Makes the one-line preview shown in message lists.</summary>
public static class Snippet
{
    /// <summary>Length of a snippet, in characters (UTF-16 code units).</summary>
    public const int Length = 140;

    /// <summary>The start of <paramref name="body"/> with runs of white space folded to one space.</summary>
    public static string Of(string body)
    {
        var snippet = new Builder(Math.Min(body.Length, Length));
        foreach (var rune in body.EnumerateRunes())
        {
            if (!snippet.Add(rune))
            {
                break;
            }
        }

        return snippet.ToString();
    }

    /// <summary>The same for a text held as UTF-8, decoded only as far as the snippet reaches.</summary>
    public static string Of(ReadOnlySpan<byte> utf8)
    {
        var snippet = new Builder(Math.Min(utf8.Length, Length));
        while (!utf8.IsEmpty)
        {
            var status = Rune.DecodeFromUtf8(utf8, out var rune, out int consumed);
            if (status != OperationStatus.Done)
            {
                rune = Rune.ReplacementChar;
            }

            if (!snippet.Add(rune))
            {
                break;
            }

            utf8 = utf8[consumed..];
        }

        return snippet.ToString();
    }

    // A mutable struct, used as a local: Add changes it in place.
    private struct Builder(int capacity)
    {
        private readonly StringBuilder _text = new(capacity);
        private bool _space;

        // False once the snippet is full. A folded space is written only before a character that
        // fits with it: no trailing space, never too long, and a surrogate pair never split.
        public bool Add(Rune rune)
        {
            if (Rune.IsWhiteSpace(rune))
            {
                _space = _text.Length > 0;
                return true;
            }

            int needed = (_space ? 1 : 0) + rune.Utf16SequenceLength;
            if (_text.Length + needed > Length)
            {
                return false;
            }

            if (_space)
            {
                _text.Append(' ');
                _space = false;
            }

            Span<char> chars = stackalloc char[2];
            _text.Append(chars[..rune.EncodeToUtf16(chars)]);
            return true;
        }

        public override readonly string ToString() => _text.ToString();
    }
}
