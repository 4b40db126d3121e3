using System.Text;

namespace Carteiro.Wire;

/// <summary>
/// Turns a <see cref="Frame"/> into a <see cref="Command"/>. Grammar, per segment:
/// <c>tag SP verb *(SP argument)</c>, where an argument is an atom (printable, no space or quote),
/// a quoted string (<c>"</c>…<c>"</c> with <c>\"</c> and <c>\\</c> escapes) or a literal.
/// No I/O, no state: safe to fuzz and benchmark alone.
/// </summary>
public static class CommandParser
{
    /// <summary>Most arguments a command may carry.</summary>
    public const int MaxArguments = 4096;

    /// <summary>Longest tag, in characters.</summary>
    public const int MaxTagLength = 64;

    /// <summary>
    /// Parses <paramref name="frame"/>. On failure returns false with a human-readable reason;
    /// <paramref name="tag"/> holds the tag when one could be read, so the error can be tagged.
    /// </summary>
    public static bool TryParse(Frame frame, out Command command, out string? tag, out string error)
    {
        command = null!;
        tag = null;
        var arguments = new List<Argument>();
        for (int i = 0; i < frame.SegmentCount; i++)
        {
            if (!Tokenize(frame.Segment(i), arguments, out error))
            {
                tag = arguments.Count > 0 && arguments[0].Kind == ArgumentKind.Atom ? arguments[0].Text : null;
                return false;
            }

            if (i < frame.LiteralCount)
            {
                arguments.Add(new Argument(ArgumentKind.Literal, null, frame.Literal(i)));
            }

            if (arguments.Count > MaxArguments)
            {
                error = $"more than {MaxArguments} arguments";
                return false;
            }
        }

        if (arguments.Count == 0)
        {
            error = "empty command";
            return false;
        }

        if (arguments[0].Kind != ArgumentKind.Atom || arguments[0].Text!.Length > MaxTagLength || arguments[0].Text == "*")
        {
            error = $"a command starts with a tag: an atom of at most {MaxTagLength} characters, not '*'";
            return false;
        }

        tag = arguments[0].Text;
        if (arguments.Count < 2 || arguments[1].Kind != ArgumentKind.Atom)
        {
            error = "missing command verb after the tag";
            return false;
        }

        string verb = arguments[1].Text!.ToUpperInvariant();
        arguments.RemoveRange(0, 2);
        command = new Command(tag!, verb, arguments);
        error = "";
        return true;
    }

    private static bool Tokenize(ReadOnlySpan<byte> text, List<Argument> arguments, out string error)
    {
        int i = 0;
        while (i < text.Length)
        {
            byte b = text[i];
            if (b == (byte)' ' || b == (byte)'\t')
            {
                i++;
                continue;
            }

            if (b == (byte)'"')
            {
                if (!TryReadQuoted(text, ref i, out string value, out error))
                {
                    return false;
                }

                arguments.Add(new Argument(ArgumentKind.Quoted, value, default));
                continue;
            }

            int start = i;
            while (i < text.Length && text[i] != (byte)' ' && text[i] != (byte)'\t')
            {
                if (text[i] < 0x20 || text[i] == 0x7f || text[i] == (byte)'"')
                {
                    error = $"unexpected byte 0x{text[i]:x2} in an atom; quote the argument or send it as a literal";
                    return false;
                }

                i++;
            }

            var atom = text[start..i];
            if (!System.Text.Unicode.Utf8.IsValid(atom))
            {
                error = "an argument is not valid UTF-8";
                return false;
            }

            arguments.Add(new Argument(ArgumentKind.Atom, Encoding.UTF8.GetString(atom), default));
        }

        error = "";
        return true;
    }

    private static bool TryReadQuoted(ReadOnlySpan<byte> text, ref int i, out string value, out string error)
    {
        // Fast path: no escapes.
        int start = ++i;
        byte[]? unescaped = null;
        int written = 0;
        while (i < text.Length)
        {
            byte b = text[i];
            if (b == (byte)'"')
            {
                var raw = unescaped is null ? text[start..i] : unescaped.AsSpan(0, written);
                i++;
                if (!System.Text.Unicode.Utf8.IsValid(raw))
                {
                    value = "";
                    error = "a quoted string is not valid UTF-8";
                    return false;
                }

                value = Encoding.UTF8.GetString(raw);
                error = "";
                return true;
            }

            if (b == (byte)'\\')
            {
                if (i + 1 >= text.Length || (text[i + 1] != (byte)'"' && text[i + 1] != (byte)'\\'))
                {
                    value = "";
                    error = "a backslash in a quoted string may only escape '\"' or '\\'";
                    return false;
                }

                if (unescaped is null)
                {
                    unescaped = new byte[text.Length];
                    text[start..i].CopyTo(unescaped);
                    written = i - start;
                }

                unescaped[written++] = text[i + 1];
                i += 2;
                continue;
            }

            if (unescaped is not null)
            {
                unescaped[written++] = b;
            }

            i++;
        }

        value = "";
        error = "unterminated quoted string";
        return false;
    }
}
