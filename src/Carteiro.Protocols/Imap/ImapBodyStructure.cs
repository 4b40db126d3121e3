using System.Buffers;
using System.Text;
using MimeKit;
using MimeKit.Utils;

namespace Carteiro.Protocols.Imap;

/// <summary>
/// Writes BODY and BODYSTRUCTURE (RFC 3501 section 7.4.2) for a part tree. The shape follows
/// Dovecot where the RFC leaves room: a text part without a charset gets ("charset" "us-ascii"),
/// a missing or unreadable Content-Transfer-Encoding reads "7bit", a multipart without parts gets
/// one empty text/plain, line counts are the line feeds in the stored content, and
/// Content-ID, -Description, -MD5 and -Location are their stored values, unfolded.
/// </summary>
internal static class ImapBodyStructure
{
    private static readonly SearchValues<byte> TokenEnd = SearchValues.Create(" \t\r\n(;"u8);

    // RFC 2045 tspecials; RFC 2231 attribute-chars also exclude '*', '\'' and '%'.
    private static readonly SearchValues<byte> TSpecials = SearchValues.Create("()<>@,;:\\\"/[]?="u8);
    private static readonly SearchValues<byte> NotAttributeChars = SearchValues.Create("*'%()<>@,;:\\\"/[]?="u8);

    private static ReadOnlySpan<byte> EmptyBody => "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0"u8;

    private static ReadOnlySpan<byte> EmptyEnvelope => "(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)"u8;

    public static void Write(IBufferWriter<byte> writer, ReadOnlyMemory<byte> document, ImapBodyPart part, bool extended)
    {
        var fields = PartFields.Read(document.Span[part.HeaderOffset..part.BodyOffset]);
        writer.Byte((byte)'(');
        if (part.IsMultipart)
        {
            WriteMultipart(writer, document, part, fields, extended);
        }
        else
        {
            WriteSinglePart(writer, document, part, fields, extended);
        }

        writer.Byte((byte)')');
    }

    /// <summary><c>body-type-mpart</c>: the parts, the subtype, then (extended) params, disposition, language, location.</summary>
    private static void WriteMultipart(IBufferWriter<byte> writer, ReadOnlyMemory<byte> document, ImapBodyPart part, in PartFields fields, bool extended)
    {
        if (part.Children.Count == 0)
        {
            // A multipart must have a part; this one's boundary never came.
            writer.Write(EmptyBody);
            writer.Write(extended ? " NIL NIL NIL NIL)"u8 : ")"u8);
        }

        foreach (var child in part.Children)
        {
            Write(writer, document, child, extended);
        }

        writer.Byte((byte)' ');
        string subtype = part.ContentType.MediaSubtype;
        writer.String(string.IsNullOrEmpty(subtype) ? "x-unknown" : subtype);
        if (!extended)
        {
            return;
        }

        writer.Byte((byte)' ');
        WriteParameters(writer, part.ContentType.Parameters, defaultCharset: false, fields.TypeIs8Bit);
        WriteCommonExtension(writer, document.Span[part.HeaderOffset..part.BodyOffset], part, fields);
    }

    /// <summary><c>body-type-1part</c>: basic fields, then lines (text), envelope, body and lines (message/rfc822), then extension data.</summary>
    private static void WriteSinglePart(IBufferWriter<byte> writer, ReadOnlyMemory<byte> document, ImapBodyPart part, in PartFields fields, bool extended)
    {
        var type = part.ContentType;
        bool text = !part.IsMessage && type.MediaType.Equals("text", StringComparison.OrdinalIgnoreCase);
        if (part.IsMessage)
        {
            writer.Write("\"message\" \"rfc822\""u8);
        }
        else
        {
            writer.String(type.MediaType);
            writer.Byte((byte)' ');
            writer.String(type.MediaSubtype);
        }

        var header = document.Span[part.HeaderOffset..part.BodyOffset];
        var content = document.Span[part.BodyOffset..part.EndOffset];
        writer.Byte((byte)' ');
        WriteParameters(writer, type.Parameters, defaultCharset: text, fields.TypeIs8Bit);
        writer.Byte((byte)' ');
        ImapEnvelope.WriteText(writer, header, fields.IdStart, fields.IdEnd);
        writer.Byte((byte)' ');
        ImapEnvelope.WriteText(writer, header, fields.DescriptionStart, fields.DescriptionEnd);
        writer.Byte((byte)' ');
        WriteEncoding(writer, header, fields);
        writer.Byte((byte)' ');
        writer.Number(content.Length);
        if (text)
        {
            writer.Byte((byte)' ');
            writer.Number(content.Count((byte)'\n'));
        }
        else if (part.IsMessage)
        {
            writer.Byte((byte)' ');
            if (part.Message is { } message)
            {
                ImapEnvelope.Write(writer, document[message.HeaderOffset..message.EndOffset]);
                writer.Byte((byte)' ');
                Write(writer, document, message, extended);
            }
            else
            {
                // Carried in an encoding MimeKit would not look into: described as empty.
                writer.Write(EmptyEnvelope);
                writer.Byte((byte)' ');
                writer.Write(EmptyBody);
                writer.Write(extended ? " NIL NIL NIL NIL)"u8 : ")"u8);
            }

            writer.Byte((byte)' ');
            writer.Number(content.Count((byte)'\n'));
        }

        if (!extended)
        {
            return;
        }

        writer.Byte((byte)' ');
        ImapEnvelope.WriteText(writer, header, fields.Md5Start, fields.Md5End);
        WriteCommonExtension(writer, header, part, fields);
    }

    /// <summary>The extension data both kinds share: disposition, language, location.</summary>
    private static void WriteCommonExtension(IBufferWriter<byte> writer, ReadOnlySpan<byte> header, ImapBodyPart part, in PartFields fields)
    {
        writer.Byte((byte)' ');
        if (part.Disposition is { } disposition && !string.IsNullOrEmpty(disposition.Disposition))
        {
            writer.Byte((byte)'(');
            writer.String(disposition.Disposition);
            writer.Byte((byte)' ');
            WriteParameters(writer, disposition.Parameters, defaultCharset: false, fields.DispositionIs8Bit);
            writer.Byte((byte)')');
        }
        else
        {
            writer.Write("NIL"u8);
        }

        writer.Byte((byte)' ');
        WriteLanguages(writer, header, fields);
        writer.Byte((byte)' ');
        ImapEnvelope.WriteText(writer, header, fields.LocationStart, fields.LocationEnd);
    }

    /// <summary>
    /// A parameter list, or NIL. MimeKit hands values over decoded, so a value that is not 7-bit
    /// goes out the way the header carried it: RFC 2231 as <c>name*</c> with a UTF-8 percent-encoded
    /// value, raw 8-bit (SMTPUTF8 mail) as UTF-8, anything else as RFC 2047 encoded-words.
    /// </summary>
    private static void WriteParameters(IBufferWriter<byte> writer, ParameterList parameters, bool defaultCharset, bool headerIs8Bit)
    {
        bool charset = false;
        if (parameters.Count == 0 && !defaultCharset)
        {
            writer.Write("NIL"u8);
            return;
        }

        writer.Byte((byte)'(');
        bool first = true;
        foreach (var parameter in parameters)
        {
            if (!first)
            {
                writer.Byte((byte)' ');
            }

            first = false;
            charset |= parameter.Name.Equals("charset", StringComparison.OrdinalIgnoreCase);
            string value = parameter.Value ?? "";
            if (Ascii.IsValid(value))
            {
                writer.String(parameter.Name);
                writer.Byte((byte)' ');
                writer.String(value);
            }
            else if (parameter.EncodingMethod == ParameterEncodingMethod.Rfc2231)
            {
                writer.String(parameter.Name + "*");
                writer.Byte((byte)' ');
                writer.String(Rfc2231(value));
            }
            else
            {
                writer.String(parameter.Name);
                writer.Byte((byte)' ');
                if (headerIs8Bit)
                {
                    writer.String(value);
                }
                else
                {
                    writer.String(Rfc2047.EncodeText(Encoding.UTF8, value));
                }
            }
        }

        if (defaultCharset && !charset)
        {
            // RFC 2045 section 5.2: text without a charset is US-ASCII.
            writer.Write(first ? "\"charset\" \"us-ascii\""u8 : " \"charset\" \"us-ascii\""u8);
        }

        writer.Byte((byte)')');
    }

    /// <summary>An RFC 2231 extended value: <c>utf-8''</c> and the UTF-8 bytes, percent-encoded where they are not attribute-chars.</summary>
    private static string Rfc2231(string value)
    {
        var text = new StringBuilder("utf-8''");
        foreach (byte b in Encoding.UTF8.GetBytes(value))
        {
            if (b is > 32 and < 127 && !NotAttributeChars.Contains(b))
            {
                text.Append((char)b);
            }
            else
            {
                text.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return text.ToString();
    }

    /// <summary>The Content-Transfer-Encoding token as stored, or "7bit" when there is none or it is not a token.</summary>
    private static void WriteEncoding(IBufferWriter<byte> writer, ReadOnlySpan<byte> header, in PartFields fields)
    {
        var token = ReadOnlySpan<byte>.Empty;
        if (fields.EncodingStart >= 0)
        {
            var value = header[fields.EncodingStart..fields.EncodingEnd].Trim(" \t\r\n"u8);
            int end = value.IndexOfAny(TokenEnd);
            token = end < 0 ? value : value[..end];
            foreach (byte b in token)
            {
                if (b is <= 32 or >= 127 || TSpecials.Contains(b))
                {
                    token = [];
                    break;
                }
            }
        }

        writer.String(token.IsEmpty ? "7bit"u8 : token);
    }

    /// <summary>Content-Language as a list of its tags, or NIL.</summary>
    private static void WriteLanguages(IBufferWriter<byte> writer, ReadOnlySpan<byte> header, in PartFields fields)
    {
        if (fields.LanguageStart < 0)
        {
            writer.Write("NIL"u8);
            return;
        }

        var value = header[fields.LanguageStart..fields.LanguageEnd];
        bool any = false;
        while (!value.IsEmpty)
        {
            int comma = value.IndexOf((byte)',');
            var tag = (comma < 0 ? value : value[..comma]).Trim(" \t\r\n"u8);
            value = comma < 0 ? [] : value[(comma + 1)..];
            if (tag.IsEmpty)
            {
                continue;
            }

            writer.Byte(any ? (byte)' ' : (byte)'(');
            writer.String(tag);
            any = true;
        }

        writer.Write(any ? ")"u8 : "NIL"u8);
    }

    /// <summary>Where a part's Content-* fields lie in its header; the first of each wins, as in Dovecot.</summary>
    private struct PartFields
    {
        public int IdStart;
        public int IdEnd;
        public int DescriptionStart;
        public int DescriptionEnd;
        public int EncodingStart;
        public int EncodingEnd;
        public int Md5Start;
        public int Md5End;
        public int LanguageStart;
        public int LanguageEnd;
        public int LocationStart;
        public int LocationEnd;
        public bool TypeIs8Bit;
        public bool DispositionIs8Bit;

        public static PartFields Read(ReadOnlySpan<byte> header)
        {
            var fields = new PartFields
            {
                IdStart = -1,
                DescriptionStart = -1,
                EncodingStart = -1,
                Md5Start = -1,
                LanguageStart = -1,
                LocationStart = -1,
            };
            bool typeSeen = false;
            bool dispositionSeen = false;
            var reader = new HeaderFieldReader(header);
            while (reader.MoveNext())
            {
                var name = reader.Name;
                if (name.Length < 10 || !Ascii.EqualsIgnoreCase(name[..8], "Content-"u8))
                {
                    continue;
                }

                var rest = name[8..];
                if (Ascii.EqualsIgnoreCase(rest, "ID"u8))
                {
                    Take(ref fields.IdStart, ref fields.IdEnd, reader);
                }
                else if (Ascii.EqualsIgnoreCase(rest, "Description"u8))
                {
                    Take(ref fields.DescriptionStart, ref fields.DescriptionEnd, reader);
                }
                else if (Ascii.EqualsIgnoreCase(rest, "Transfer-Encoding"u8))
                {
                    Take(ref fields.EncodingStart, ref fields.EncodingEnd, reader);
                }
                else if (Ascii.EqualsIgnoreCase(rest, "MD5"u8))
                {
                    Take(ref fields.Md5Start, ref fields.Md5End, reader);
                }
                else if (Ascii.EqualsIgnoreCase(rest, "Language"u8))
                {
                    Take(ref fields.LanguageStart, ref fields.LanguageEnd, reader);
                }
                else if (Ascii.EqualsIgnoreCase(rest, "Location"u8))
                {
                    Take(ref fields.LocationStart, ref fields.LocationEnd, reader);
                }
                else if (Ascii.EqualsIgnoreCase(rest, "Type"u8) && !typeSeen)
                {
                    typeSeen = true;
                    fields.TypeIs8Bit = !Ascii.IsValid(reader.RawValue);
                }
                else if (Ascii.EqualsIgnoreCase(rest, "Disposition"u8) && !dispositionSeen)
                {
                    dispositionSeen = true;
                    fields.DispositionIs8Bit = !Ascii.IsValid(reader.RawValue);
                }
            }

            return fields;
        }

        private static void Take(ref int start, ref int end, in HeaderFieldReader reader)
        {
            if (start < 0)
            {
                start = reader.ValueStart;
                end = reader.ValueEnd;
            }
        }
    }
}
