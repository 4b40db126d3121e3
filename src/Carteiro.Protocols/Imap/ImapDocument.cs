using System.Buffers;
using MimeKit;

namespace Carteiro.Protocols.Imap;

/// <summary>
/// One stored document as IMAP sees it: its BODY and BODYSTRUCTURE (RFC 3501 section 7.4.2)
/// and the bytes of any FETCH body section. The header split is found by a byte scan; the MIME
/// structure is read with MimeKit once, and only when something needs it (BODY[HEADER] and
/// BODY[TEXT] do not). Every section is a slice of the stored bytes.
/// </summary>
internal sealed class ImapDocument
{
    // Deeper nesting than this is mail built to hurt a parser; MimeKit reads what is below as opaque content.
    private const int MaxDepth = 100;

    private static readonly ParserOptions MimeOptions = CreateOptions();

    private readonly ReadOnlyMemory<byte> _document;
    private readonly int _headerLength;
    private ImapBodyPart? _root;

    private ImapDocument(ReadOnlyMemory<byte> document)
    {
        _document = document;
        _headerLength = HeaderFieldReader.Length(document.Span);
    }

    /// <summary>The stored bytes.</summary>
    public ReadOnlyMemory<byte> Document => _document;

    /// <summary>
    /// The document's root part, MimeKit's reading of it. Never throws: a document MimeKit cannot
    /// read is one text/plain part.
    /// </summary>
    public ImapBodyPart Root => _root ??= ReadStructure();

    /// <summary>
    /// Takes a stored document: only the header is scanned here, the MIME structure is read when
    /// first needed, and nothing ever throws.
    /// </summary>
    public static ImapDocument Parse(ReadOnlyMemory<byte> document) => new(document);

    /// <summary>Writes BODY (<paramref name="extended"/> false) or BODYSTRUCTURE (true), parenthesised.</summary>
    public void WriteBodyStructure(IBufferWriter<byte> writer, bool extended) =>
        ImapBodyStructure.Write(writer, _document, Root, extended);

    /// <summary>
    /// The bytes of a body section (RFC 3501 section 6.4.5, BODY[section]), or false when the
    /// document has no such part (the server then answers with an empty string, as Dovecot does).
    /// HEADER.FIELDS and HEADER.FIELDS.NOT are the only sections not sliced from the stored bytes:
    /// they are the chosen field lines as stored, then an empty line.
    /// </summary>
    public bool TryGetSection(BodySection section, out ReadOnlyMemory<byte> bytes)
    {
        bytes = default;
        if (section.Part.Count == 0)
        {
            // The message's own header and text need only the header scan.
            return TryGetMessageSection(0, _headerLength, _document.Length, section, out bytes);
        }

        var part = Root;
        bool atMessage = true;
        for (int i = 0; i < section.Part.Count; i++)
        {
            int number = section.Part[i];
            if (part.IsMultipart)
            {
                if (number > part.Children.Count)
                {
                    return false;
                }

                part = part.Children[number - 1];
            }
            else if (!(atMessage && number == 1))
            {
                // Only a message that is not a multipart has a part 1, and it is the message's body.
                return false;
            }

            atMessage = false;
            if (i < section.Part.Count - 1 && part.IsMessage)
            {
                // Numbers after a message/rfc822 part count within the message it carries.
                if (part.Message is null)
                {
                    return false;
                }

                part = part.Message;
                atMessage = true;
            }
        }

        switch (section.Kind)
        {
            case BodySectionKind.Whole:
                bytes = _document[part.BodyOffset..part.EndOffset];
                return true;
            case BodySectionKind.Mime:
                bytes = _document[part.HeaderOffset..part.BodyOffset];
                return true;
            default:
                // HEADER, HEADER.FIELDS and TEXT after a part number are of a message/rfc822 part's message.
                var message = part.IsMessage ? part.Message : null;
                return message is not null
                    && TryGetMessageSection(message.HeaderOffset, message.BodyOffset, message.EndOffset, section, out bytes);
        }
    }

    private bool TryGetMessageSection(int headerOffset, int bodyOffset, int endOffset, BodySection section, out ReadOnlyMemory<byte> bytes)
    {
        switch (section.Kind)
        {
            case BodySectionKind.Whole:
                bytes = _document[headerOffset..endOffset];
                return true;
            case BodySectionKind.Header:
                bytes = _document[headerOffset..bodyOffset];
                return true;
            case BodySectionKind.Text:
                bytes = _document[bodyOffset..endOffset];
                return true;
            case BodySectionKind.HeaderFields:
            case BodySectionKind.HeaderFieldsNot:
                bytes = Fields(_document.Span[headerOffset..bodyOffset], section, section.Kind == BodySectionKind.HeaderFieldsNot);
                return true;
            default:
                bytes = default;
                return false;
        }
    }

    /// <summary>The field lines named (or, with <paramref name="not"/>, not named) by the section, as stored, then CRLF.</summary>
    private static byte[] Fields(ReadOnlySpan<byte> header, BodySection section, bool not)
    {
        var output = new ArrayBufferWriter<byte>(Math.Min(header.Length + 2, 4096));
        var reader = new HeaderFieldReader(header);
        while (reader.MoveNext())
        {
            if (section.Names(reader.Name) != not)
            {
                output.Write(reader.Field);
                if (reader.Field[^1] != (byte)'\n')
                {
                    // The last line of a header with no body may lack its line break.
                    output.Write("\r\n"u8);
                }
            }
        }

        output.Write("\r\n"u8);
        return output.WrittenSpan.ToArray();
    }

    private ImapBodyPart ReadStructure()
    {
        try
        {
            return ImapBodyPart.Read(_document, _headerLength, MimeOptions) ?? Opaque();
        }
        catch (Exception)
        {
            // Whatever MimeKit makes of it, a stored message must still be fetchable.
            return Opaque();
        }
    }

    /// <summary>The document as one text/plain part, for what MimeKit cannot read.</summary>
    private ImapBodyPart Opaque() => new()
    {
        HeaderOffset = 0,
        BodyOffset = _headerLength,
        EndOffset = _document.Length,
        ContentType = new ContentType("text", "plain"),
    };

    private static ParserOptions CreateOptions()
    {
        var options = ParserOptions.Default.Clone();
        options.MaxMimeDepth = MaxDepth;
        return options;
    }
}
