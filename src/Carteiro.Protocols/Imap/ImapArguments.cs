using System.Text;

namespace Carteiro.Protocols.Imap;

/// <summary>
/// Reads the arguments of one IMAP command (RFC 3501 section 9): the command's lines, each but the
/// last ending where a literal was announced, and those literals. A literal is read where its line
/// ends. Every method throws <see cref="ImapSyntaxException"/> on what the grammar does not allow.
/// </summary>
internal sealed class ImapArguments(IReadOnlyList<string> lines, IReadOnlyList<ReadOnlyMemory<byte>> literals)
{
    private int _line;
    private int _at;

    /// <summary>Where reading is: saved and restored to read something again.</summary>
    public (int Line, int At) Position
    {
        get => (_line, _at);
        set => (_line, _at) = value;
    }

    /// <summary>True when nothing but spaces is left.</summary>
    public bool AtEnd
    {
        get
        {
            SkipSpaces();
            return _line == lines.Count - 1 && _at >= lines[_line].Length;
        }
    }

    /// <summary>Skips a space (or several: clients are not always exact, and nothing is lost by it).</summary>
    public void SkipSpaces()
    {
        string text = lines[_line];
        while (_at < text.Length && text[_at] == ' ')
        {
            _at++;
        }
    }

    /// <summary>True when the next thing (after spaces) is a literal.</summary>
    private bool AtLiteral => _at >= lines[_line].Length && _line < literals.Count && _line < lines.Count - 1;

    /// <summary>The next character after spaces, or '\0' at a literal or the end.</summary>
    public char Peek()
    {
        SkipSpaces();
        string text = lines[_line];
        return _at < text.Length ? text[_at] : '\0';
    }

    /// <summary>Takes <paramref name="c"/> if it comes next.</summary>
    public bool TryTake(char c)
    {
        if (Peek() != c)
        {
            return false;
        }

        _at++;
        return true;
    }

    /// <summary>Takes <paramref name="c"/>, which must come next.</summary>
    public void Take(char c)
    {
        if (!TryTake(c))
        {
            throw new ImapSyntaxException($"expected '{c}'");
        }
    }

    /// <summary>
    /// Reads a word: everything up to a space, parenthesis or the end of the line (atoms, numbers,
    /// sequence sets, flags, list patterns). Empty when none is there.
    /// </summary>
    public string Word()
    {
        SkipSpaces();
        string text = lines[_line];
        int start = _at;
        while (_at < text.Length && text[_at] is not (' ' or '(' or ')'))
        {
            _at++;
        }

        return text[start.._at];
    }

    /// <summary>Reads a word that must be there; <paramref name="what"/> names it in the error.</summary>
    public string RequiredWord(string what)
    {
        string word = Word();
        return word.Length > 0 ? word : throw new ImapSyntaxException($"{what} expected");
    }

    /// <summary>Reads a number (RFC 3501 number / nz-number).</summary>
    public long Number(string what)
    {
        string word = RequiredWord(what);
        if (!long.TryParse(word, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long value) || value > uint.MaxValue * 2L)
        {
            throw new ImapSyntaxException($"{what} must be a number, not '{Printable(word)}'");
        }

        return value;
    }

    /// <summary>
    /// Reads a FETCH attribute: a word that may hold a bracketed section with spaces and
    /// parentheses in it (<c>BODY.PEEK[HEADER.FIELDS (FROM TO)]&lt;0.512&gt;</c>).
    /// </summary>
    public string FetchAttribute()
    {
        SkipSpaces();
        string text = lines[_line];
        int start = _at;
        int depth = 0;
        while (_at < text.Length)
        {
            char c = text[_at];
            if (c == '[')
            {
                depth++;
            }
            else if (c == ']')
            {
                depth--;
            }
            else if (depth == 0 && c is ' ' or '(' or ')')
            {
                break;
            }

            _at++;
        }

        if (depth != 0)
        {
            throw new ImapSyntaxException("unbalanced '[' in a fetch attribute");
        }

        return text[start.._at];
    }

    /// <summary>Reads an astring: an atom, a quoted string or a literal.</summary>
    public string AString(string what)
    {
        SkipSpaces();
        if (AtLiteral)
        {
            return Encoding.UTF8.GetString(Literal(what).Span);
        }

        if (Peek() == '"')
        {
            return Quoted();
        }

        string word = Word();
        return word.Length > 0 ? word : throw new ImapSyntaxException($"{what} expected");
    }

    /// <summary>Reads a string (quoted or literal; atoms are taken too, as most servers do).</summary>
    public string String(string what) => AString(what);

    /// <summary>Reads a literal's bytes (APPEND's message); a quoted string is taken too.</summary>
    public ReadOnlyMemory<byte> Literal(string what)
    {
        SkipSpaces();
        if (AtLiteral)
        {
            var literal = literals[_line];
            _line++;
            _at = 0;
            return literal;
        }

        if (Peek() == '"')
        {
            return Encoding.UTF8.GetBytes(Quoted());
        }

        throw new ImapSyntaxException($"{what} expected as a literal");
    }

    /// <summary>True when the next thing is a literal.</summary>
    public bool NextIsLiteral
    {
        get
        {
            SkipSpaces();
            return AtLiteral;
        }
    }

    private string Quoted()
    {
        string text = lines[_line];
        _at++;
        var value = new StringBuilder();
        while (_at < text.Length)
        {
            char c = text[_at++];
            if (c == '"')
            {
                return value.ToString();
            }

            if (c == '\\')
            {
                if (_at >= text.Length || text[_at] is not ('"' or '\\'))
                {
                    throw new ImapSyntaxException("only \\\" and \\\\ may be escaped in a quoted string");
                }

                c = text[_at++];
            }

            value.Append(c);
        }

        throw new ImapSyntaxException("a quoted string is not closed");
    }

    /// <summary>Throws unless every argument was read.</summary>
    public void End()
    {
        if (!AtEnd)
        {
            throw new ImapSyntaxException($"unexpected '{Printable(Rest())}' at the end of the command");
        }
    }

    private string Rest()
    {
        string text = lines[_line];
        return _at < text.Length ? text[_at..] : "(literal)";
    }

    /// <summary>What the client sent, safe to echo.</summary>
    public static string Printable(string text) => Common.Echo.Printable(text, 60);
}
