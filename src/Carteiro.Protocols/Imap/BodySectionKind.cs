namespace Carteiro.Protocols.Imap;

/// <summary>What a FETCH body section names within its part (RFC 3501 section 6.4.5).</summary>
internal enum BodySectionKind
{
    /// <summary>The whole message, or the whole content of a part: <c>BODY[]</c>, <c>BODY[1.2]</c>.</summary>
    Whole,

    /// <summary>The header block, empty line included: <c>BODY[HEADER]</c>.</summary>
    Header,

    /// <summary>Only the named header fields: <c>BODY[HEADER.FIELDS (FROM TO)]</c>.</summary>
    HeaderFields,

    /// <summary>Every header field but the named ones: <c>BODY[HEADER.FIELDS.NOT (RECEIVED)]</c>.</summary>
    HeaderFieldsNot,

    /// <summary>The body after the header: <c>BODY[TEXT]</c>.</summary>
    Text,

    /// <summary>A part's own MIME header block: <c>BODY[1.MIME]</c>; needs a part number.</summary>
    Mime,
}
