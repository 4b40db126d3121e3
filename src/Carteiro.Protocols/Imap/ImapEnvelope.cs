using System.Buffers;
using System.Text;

namespace Carteiro.Protocols.Imap;

/// <summary>
/// Writes the ENVELOPE of a stored message (RFC 3501 section 7.4.2) from its header alone: the
/// body is never looked at, since <c>FETCH 1:* (FLAGS ENVELOPE)</c> over a whole folder is what
/// a client does first. Date, subject, In-Reply-To and Message-ID are the header's values as
/// stored, unfolded (encoded-words stay encoded, as in Dovecot); address lists are
/// <see cref="EnvelopeAddresses"/>'s.
/// </summary>
internal static class ImapEnvelope
{
    private const int Date = 0;
    private const int Subject = 1;
    private const int From = 2;
    private const int Sender = 3;
    private const int ReplyTo = 4;
    private const int To = 5;
    private const int Cc = 6;
    private const int Bcc = 7;
    private const int InReplyTo = 8;
    private const int MessageId = 9;
    private const int FieldCount = 10;

    // Longest unfolded value unfolded on the stack; longer ones rent.
    private const int StackUnfold = 512;

    /// <summary>
    /// Writes the envelope, parenthesised, of the message that starts <paramref name="document"/>
    /// (a whole stored message, or an embedded message/rfc822 part).
    /// </summary>
    public static void Write(IBufferWriter<byte> writer, ReadOnlyMemory<byte> document)
    {
        var header = document.Span;
        Span<int> starts = stackalloc int[FieldCount];
        Span<int> ends = stackalloc int[FieldCount];
        starts.Fill(-1);
        var reader = new HeaderFieldReader(header);
        while (reader.MoveNext())
        {
            int field = Classify(reader.Name);
            if (field >= 0 && starts[field] < 0)
            {
                // The first of a repeated field wins, as in MimeKit.
                starts[field] = reader.ValueStart;
                ends[field] = reader.ValueEnd;
            }
        }

        var addresses = new EnvelopeAddresses.Source(document, reader.BlockLength);
        try
        {
            writer.Byte((byte)'(');
            WriteText(writer, header, starts[Date], ends[Date]);
            writer.Byte((byte)' ');
            WriteText(writer, header, starts[Subject], ends[Subject]);
            writer.Byte((byte)' ');
            Addresses(writer, ref addresses, starts[From], ends[From]);
            writer.Byte((byte)' ');

            // Sender and Reply-To default to From (RFC 3501 section 7.4.2).
            if (!EnvelopeAddresses.TryWrite(writer, ref addresses, starts[Sender], ends[Sender]))
            {
                Addresses(writer, ref addresses, starts[From], ends[From]);
            }

            writer.Byte((byte)' ');
            if (!EnvelopeAddresses.TryWrite(writer, ref addresses, starts[ReplyTo], ends[ReplyTo]))
            {
                Addresses(writer, ref addresses, starts[From], ends[From]);
            }

            writer.Byte((byte)' ');
            Addresses(writer, ref addresses, starts[To], ends[To]);
            writer.Byte((byte)' ');
            Addresses(writer, ref addresses, starts[Cc], ends[Cc]);
            writer.Byte((byte)' ');
            Addresses(writer, ref addresses, starts[Bcc], ends[Bcc]);
            writer.Byte((byte)' ');
            WriteText(writer, header, starts[InReplyTo], ends[InReplyTo]);
            writer.Byte((byte)' ');
            WriteText(writer, header, starts[MessageId], ends[MessageId]);
            writer.Byte((byte)')');
        }
        finally
        {
            addresses.Dispose();
        }
    }

    private static void Addresses(IBufferWriter<byte> writer, ref EnvelopeAddresses.Source addresses, int start, int end)
    {
        if (!EnvelopeAddresses.TryWrite(writer, ref addresses, start, end))
        {
            writer.Write("NIL"u8);
        }
    }

    /// <summary>Which envelope field a header field name is, or -1.</summary>
    private static int Classify(ReadOnlySpan<byte> name)
    {
        switch (name.Length)
        {
            case 2:
                return Ascii.EqualsIgnoreCase(name, "To"u8) ? To : Ascii.EqualsIgnoreCase(name, "Cc"u8) ? Cc : -1;
            case 3:
                return Ascii.EqualsIgnoreCase(name, "Bcc"u8) ? Bcc : -1;
            case 4:
                return Ascii.EqualsIgnoreCase(name, "Date"u8) ? Date : Ascii.EqualsIgnoreCase(name, "From"u8) ? From : -1;
            case 6:
                return Ascii.EqualsIgnoreCase(name, "Sender"u8) ? Sender : -1;
            case 7:
                return Ascii.EqualsIgnoreCase(name, "Subject"u8) ? Subject : -1;
            case 8:
                return Ascii.EqualsIgnoreCase(name, "Reply-To"u8) ? ReplyTo : -1;
            case 10:
                return Ascii.EqualsIgnoreCase(name, "Message-ID"u8) ? MessageId : -1;
            case 11:
                return Ascii.EqualsIgnoreCase(name, "In-Reply-To"u8) ? InReplyTo : -1;
            default:
                return -1;
        }
    }

    /// <summary>
    /// Writes a header value as an nstring: NIL when the field is absent, else the value unfolded
    /// (line breaks dropped, the white space after them kept) and trimmed. 8-bit values go out as
    /// literals.
    /// </summary>
    internal static void WriteText(IBufferWriter<byte> writer, ReadOnlySpan<byte> header, int start, int end)
    {
        if (start < 0)
        {
            writer.Write("NIL"u8);
            return;
        }

        var raw = header[start..end];
        if (raw.IndexOfAny((byte)'\r', (byte)'\n') < 0)
        {
            writer.String(raw.Trim(" \t"u8));
            return;
        }

        byte[]? rented = null;
        Span<byte> buffer = raw.Length <= StackUnfold ? stackalloc byte[StackUnfold] : (rented = ArrayPool<byte>.Shared.Rent(raw.Length));
        try
        {
            int length = 0;
            foreach (byte b in raw)
            {
                if (b is not ((byte)'\r' or (byte)'\n'))
                {
                    buffer[length++] = b;
                }
            }

            writer.String(buffer[..length].Trim(" \t"u8));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
