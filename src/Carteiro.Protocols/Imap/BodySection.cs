using System.Buffers;
using System.Globalization;
using System.Text;

namespace Carteiro.Protocols.Imap;

/// <summary>
/// A FETCH body section: the text between <c>BODY[</c> and <c>]</c> (RFC 3501 sections 6.4.5
/// and 9, <c>section-spec</c>). A part path of nz-numbers (empty for the message itself), then
/// what within it: all of it, HEADER, HEADER.FIELDS[.NOT] with a list of field names, TEXT, or
/// MIME (which needs a part path).
/// </summary>
internal sealed class BodySection
{
    private readonly int[] _part;
    private readonly string[] _fields;

    private BodySection(int[] part, BodySectionKind kind, string[] fields)
    {
        _part = part;
        Kind = kind;
        _fields = fields;
    }

    /// <summary><c>BODY[]</c>: the whole stored document.</summary>
    public static BodySection WholeMessage { get; } = new([], BodySectionKind.Whole, []);

    /// <summary>The part path, 1-based: <c>1.2</c> is [1, 2]; empty for the message itself.</summary>
    public IReadOnlyList<int> Part => _part;

    public BodySectionKind Kind { get; }

    /// <summary>The field names of HEADER.FIELDS and HEADER.FIELDS.NOT, as the client wrote them; matched without regard to case.</summary>
    public IReadOnlyList<string> Fields => _fields;

    /// <summary>True for <c>BODY[]</c>, which is the stored document as it is and needs no parsing.</summary>
    public bool IsWholeMessage => _part.Length == 0 && Kind == BodySectionKind.Whole;

    /// <summary>
    /// Parses a section spec. Keywords and field names are case-insensitive; field names may be
    /// atoms or quoted strings. On failure <paramref name="error"/> says why, fit for a BAD reply.
    /// </summary>
    public static bool TryParse(string spec, out BodySection section, out string error)
    {
        section = WholeMessage;
        error = "";
        var part = new List<int>();
        int at = 0;
        while (at < spec.Length && char.IsAsciiDigit(spec[at]))
        {
            int start = at;
            while (at < spec.Length && char.IsAsciiDigit(spec[at]))
            {
                at++;
            }

            if (spec[start] == '0' || !int.TryParse(spec.AsSpan(start, at - start), NumberStyles.None, CultureInfo.InvariantCulture, out int number))
            {
                error = $"'{spec[start..at]}' is not a part number (1 or more)";
                return false;
            }

            part.Add(number);
            if (at == spec.Length)
            {
                section = new BodySection([.. part], BodySectionKind.Whole, []);
                return true;
            }

            if (spec[at] != '.')
            {
                error = $"unexpected '{spec[at]}' after part number {number} in the section";
                return false;
            }

            at++;
        }

        if (at == spec.Length)
        {
            // Either BODY[] or a part path that ended with a dot ("1.").
            if (part.Count > 0)
            {
                error = "a part path ends with '.' but names nothing after it";
                return false;
            }

            return true;
        }

        int wordEnd = spec.IndexOf(' ', at);
        string word = (wordEnd < 0 ? spec[at..] : spec[at..wordEnd]).ToUpperInvariant();
        string rest = wordEnd < 0 ? "" : spec[wordEnd..];
        BodySectionKind kind;
        switch (word)
        {
            case "HEADER":
                kind = BodySectionKind.Header;
                break;
            case "TEXT":
                kind = BodySectionKind.Text;
                break;
            case "MIME" when part.Count > 0:
                kind = BodySectionKind.Mime;
                break;
            case "MIME":
                error = "MIME needs a part number, as in 1.MIME";
                return false;
            case "HEADER.FIELDS":
                kind = BodySectionKind.HeaderFields;
                break;
            case "HEADER.FIELDS.NOT":
                kind = BodySectionKind.HeaderFieldsNot;
                break;
            default:
                error = $"unknown section '{word}'";
                return false;
        }

        string[] fields = [];
        if (kind is BodySectionKind.HeaderFields or BodySectionKind.HeaderFieldsNot)
        {
            if (!TryParseFieldList(rest, out fields, out error))
            {
                return false;
            }
        }
        else if (rest.Length > 0)
        {
            error = $"unexpected '{rest.Trim()}' after {word}";
            return false;
        }

        section = new BodySection([.. part], kind, fields);
        return true;
    }

    /// <summary>
    /// Writes the section spec in canonical form, for the FETCH response item name inside
    /// <c>BODY[</c> and <c>]</c>: keywords and field names upper-cased, names quoted where an atom
    /// would not do.
    /// </summary>
    public void WriteSpec(IBufferWriter<byte> writer)
    {
        for (int i = 0; i < _part.Length; i++)
        {
            if (i > 0)
            {
                writer.Byte((byte)'.');
            }

            writer.Number(_part[i]);
        }

        if (Kind == BodySectionKind.Whole)
        {
            return;
        }

        if (_part.Length > 0)
        {
            writer.Byte((byte)'.');
        }

        writer.Ascii(Kind switch
        {
            BodySectionKind.Header => "HEADER",
            BodySectionKind.HeaderFields => "HEADER.FIELDS (",
            BodySectionKind.HeaderFieldsNot => "HEADER.FIELDS.NOT (",
            BodySectionKind.Text => "TEXT",
            _ => "MIME",
        });
        if (Kind is BodySectionKind.HeaderFields or BodySectionKind.HeaderFieldsNot)
        {
            for (int i = 0; i < _fields.Length; i++)
            {
                if (i > 0)
                {
                    writer.Byte((byte)' ');
                }

                string name = _fields[i].ToUpperInvariant();
                if (IsAtom(name))
                {
                    writer.Ascii(name);
                }
                else
                {
                    writer.String(name);
                }
            }

            writer.Byte((byte)')');
        }
    }

    /// <summary>The canonical section spec, as <see cref="WriteSpec"/> writes it.</summary>
    public override string ToString()
    {
        var buffer = new ArrayBufferWriter<byte>();
        WriteSpec(buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>True when <paramref name="name"/> is one of the named fields (ASCII case-insensitive).</summary>
    public bool Names(ReadOnlySpan<byte> name)
    {
        foreach (string field in _fields)
        {
            if (Ascii.EqualsIgnoreCase(name, field))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Parses <c>SP "(" header-fld-name *(SP header-fld-name) ")"</c>, names being atoms or quoted strings.</summary>
    private static bool TryParseFieldList(string text, out string[] fields, out string error)
    {
        fields = [];
        error = "";
        int at = 0;
        while (at < text.Length && text[at] == ' ')
        {
            at++;
        }

        if (at == 0 || at >= text.Length || text[at] != '(')
        {
            error = "HEADER.FIELDS needs a list of field names, as in HEADER.FIELDS (FROM TO)";
            return false;
        }

        at++;
        var names = new List<string>();
        while (true)
        {
            while (at < text.Length && text[at] == ' ')
            {
                at++;
            }

            if (at >= text.Length)
            {
                error = "the list of header field names is not closed";
                return false;
            }

            if (text[at] == ')')
            {
                at++;
                break;
            }

            string name;
            if (text[at] == '"')
            {
                var quoted = new StringBuilder();
                at++;
                while (at < text.Length && text[at] != '"')
                {
                    if (text[at] == '\\' && at + 1 < text.Length)
                    {
                        at++;
                    }

                    quoted.Append(text[at]);
                    at++;
                }

                if (at >= text.Length)
                {
                    error = "a quoted header field name is not closed";
                    return false;
                }

                at++;
                name = quoted.ToString();
            }
            else
            {
                int start = at;
                while (at < text.Length && IsAstringChar(text[at]))
                {
                    at++;
                }

                name = text[start..at];
                if (name.Length == 0)
                {
                    error = $"unexpected '{text[at]}' in the list of header field names";
                    return false;
                }
            }

            if (name.Length == 0)
            {
                error = "a header field name is empty";
                return false;
            }

            names.Add(name);
        }

        if (text[at..].Trim().Length > 0)
        {
            error = $"unexpected '{text[at..].Trim()}' after the list of header field names";
            return false;
        }

        if (names.Count == 0)
        {
            error = "the list of header field names is empty";
            return false;
        }

        fields = [.. names];
        return true;
    }

    /// <summary>ASTRING-CHAR of RFC 3501: ATOM-CHAR or ']'.</summary>
    private static bool IsAstringChar(char c) => c == ']' || IsAtomChar(c);

    private static bool IsAtomChar(char c) =>
        c is > ' ' and < '\x7f' and not ('(' or ')' or '{' or '%' or '*' or '"' or '\\' or ']');

    private static bool IsAtom(string text)
    {
        foreach (char c in text)
        {
            if (!IsAtomChar(c))
            {
                return false;
            }
        }

        return text.Length > 0;
    }
}
