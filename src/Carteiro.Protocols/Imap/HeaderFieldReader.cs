namespace Carteiro.Protocols.Imap;

/// <summary>
/// Walks the header fields of a stored message or MIME part, byte offsets only: each field with
/// its continuation lines, as stored. The header ends at the first empty line; a document whose
/// first line is not a header field has no header at all (its bytes are all body), which is also
/// where MimeKit gives up on a header, so the IMAP answers built from this reader and from MimeKit
/// agree on where the body starts.
/// </summary>
internal ref struct HeaderFieldReader
{
    private readonly ReadOnlySpan<byte> _block;
    private int _next;
    private bool _done;

    public HeaderFieldReader(ReadOnlySpan<byte> block)
    {
        _block = block;
        if (!StartsWithField(block))
        {
            _next = 0;
            _done = true;
            BlockLength = block.IsEmpty || block[0] is (byte)'\r' or (byte)'\n' ? EmptyLineLength(block) : 0;
        }
    }

    /// <summary>Where the current field starts.</summary>
    public int FieldStart { get; private set; }

    /// <summary>Where the current field ends: after its last line break, if it has one.</summary>
    public int FieldEnd { get; private set; }

    /// <summary>Where the current field's value starts: just after the colon.</summary>
    public int ValueStart { get; private set; }

    /// <summary>Where the current field's value ends: before its last line break.</summary>
    public int ValueEnd { get; private set; }

    /// <summary>
    /// Once <see cref="MoveNext"/> has returned false: the length of the header block, including
    /// the empty line that ends it (the whole input when no empty line came).
    /// </summary>
    public int BlockLength { get; private set; }

    private int NameEnd { get; set; }

    /// <summary>The current field's name, empty for a line that is not a field.</summary>
    public readonly ReadOnlySpan<byte> Name => _block[FieldStart..NameEnd];

    /// <summary>The current field's value as stored: folded, with its leading white space.</summary>
    public readonly ReadOnlySpan<byte> RawValue => _block[ValueStart..ValueEnd];

    /// <summary>The current field as stored, line breaks included.</summary>
    public readonly ReadOnlySpan<byte> Field => _block[FieldStart..FieldEnd];

    /// <summary>The length of the header block at the start of <paramref name="document"/>, blank line included.</summary>
    public static int Length(ReadOnlySpan<byte> document)
    {
        var reader = new HeaderFieldReader(document);
        while (reader.MoveNext())
        {
        }

        return reader.BlockLength;
    }

    public bool MoveNext()
    {
        if (_done)
        {
            return false;
        }

        var block = _block;
        int at = _next;
        if (at >= block.Length)
        {
            return Finish(block.Length);
        }

        if (block[at] == (byte)'\n' || (block[at] == (byte)'\r' && at + 1 < block.Length && block[at + 1] == (byte)'\n'))
        {
            return Finish(at + (block[at] == (byte)'\n' ? 1 : 2));
        }

        FieldStart = at;
        int lineEnd = LineEnd(block, at);
        int firstLineEnd = lineEnd;
        while (lineEnd < block.Length && block[lineEnd] is (byte)' ' or (byte)'\t')
        {
            lineEnd = LineEnd(block, lineEnd);
        }

        FieldEnd = lineEnd;
        int valueEnd = lineEnd;
        if (valueEnd > at && block[valueEnd - 1] == (byte)'\n')
        {
            valueEnd--;
            if (valueEnd > at && block[valueEnd - 1] == (byte)'\r')
            {
                valueEnd--;
            }
        }

        int colon = NameLength(block[at..firstLineEnd], out int nameLength);
        if (colon < 0)
        {
            NameEnd = at;
            ValueStart = ValueEnd = at;
        }
        else
        {
            NameEnd = at + nameLength;
            ValueStart = Math.Min(at + colon + 1, valueEnd);
            ValueEnd = valueEnd;
        }

        _next = lineEnd;
        return true;
    }

    /// <summary>True when the input starts with a header field, rather than body text or garbage.</summary>
    private static bool StartsWithField(ReadOnlySpan<byte> block)
    {
        int lineEnd = block.IndexOf((byte)'\n');
        return NameLength(lineEnd < 0 ? block : block[..lineEnd], out _) >= 0;
    }

    /// <summary>
    /// The offset of the colon after a field name (RFC 5322 ftext, then optional white space,
    /// which the obsolete syntax allows), or -1 when the line is not a field.
    /// </summary>
    private static int NameLength(ReadOnlySpan<byte> line, out int nameLength)
    {
        int at = 0;
        while (at < line.Length && line[at] is > 32 and < 127 and not (byte)':')
        {
            at++;
        }

        nameLength = at;
        while (at < line.Length && line[at] is (byte)' ' or (byte)'\t')
        {
            at++;
        }

        return nameLength > 0 && at < line.Length && line[at] == (byte)':' ? at : -1;
    }

    private static int LineEnd(ReadOnlySpan<byte> block, int from)
    {
        int newline = block[from..].IndexOf((byte)'\n');
        return newline < 0 ? block.Length : from + newline + 1;
    }

    private static int EmptyLineLength(ReadOnlySpan<byte> block) =>
        block.StartsWith("\r\n"u8) ? 2 : block.StartsWith("\n"u8) ? 1 : 0;

    private bool Finish(int blockLength)
    {
        BlockLength = blockLength;
        _done = true;
        return false;
    }
}
