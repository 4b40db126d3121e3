using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using MimeKit;
using MimeKit.Utils;

namespace Carteiro.Protocols.Imap;

/// <summary>
/// Writes the ENVELOPE of a stored message (RFC 3501 section 7.4.2) from its header alone: the
/// body is never looked at, since <c>FETCH 1:* (FLAGS ENVELOPE)</c> over a whole folder is what
/// a client does first. Date, subject, In-Reply-To and Message-ID are the header's values as
/// stored, unfolded (encoded-words stay encoded, as in Dovecot); address lists go through
/// MimeKit's parser, which is lenient with the broken ones real mail carries.
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

    private static readonly ParserOptions AddressOptions = ParserOptions.Default.Clone();

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

        // MimeKit's address parser takes an array; a stored document usually is one.
        var addresses = new AddressSource(document, reader.BlockLength);
        try
        {
            var from = addresses.Parse(starts[From], ends[From]);

            // Sender and Reply-To default to From (RFC 3501 section 7.4.2).
            var sender = addresses.Parse(starts[Sender], ends[Sender]) ?? from;
            var replyTo = addresses.Parse(starts[ReplyTo], ends[ReplyTo]) ?? from;
            writer.Byte((byte)'(');
            WriteText(writer, header, starts[Date], ends[Date]);
            writer.Byte((byte)' ');
            WriteText(writer, header, starts[Subject], ends[Subject]);
            writer.Byte((byte)' ');
            WriteAddresses(writer, from);
            writer.Byte((byte)' ');
            WriteAddresses(writer, sender);
            writer.Byte((byte)' ');
            WriteAddresses(writer, replyTo);
            writer.Byte((byte)' ');
            WriteAddresses(writer, addresses.Parse(starts[To], ends[To]));
            writer.Byte((byte)' ');
            WriteAddresses(writer, addresses.Parse(starts[Cc], ends[Cc]));
            writer.Byte((byte)' ');
            WriteAddresses(writer, addresses.Parse(starts[Bcc], ends[Bcc]));
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

    /// <summary>
    /// Writes an address list: NIL for none, else a list of (name adl mailbox host), groups opened
    /// by (NIL NIL name NIL) and closed by (NIL NIL NIL NIL).
    /// </summary>
    private static void WriteAddresses(IBufferWriter<byte> writer, InternetAddressList? list)
    {
        if (list is null)
        {
            writer.Write("NIL"u8);
            return;
        }

        writer.Byte((byte)'(');
        foreach (var address in list)
        {
            if (address is GroupAddress group)
            {
                writer.Write("(NIL NIL "u8);
                WritePhrase(writer, group.Name ?? "", nilWhenEmpty: false);
                writer.Write(" NIL)"u8);
                WriteMembers(writer, group.Members);
                writer.Write("(NIL NIL NIL NIL)"u8);
            }
            else if (address is MailboxAddress mailbox)
            {
                WriteMailbox(writer, mailbox);
            }
        }

        writer.Byte((byte)')');
    }

    /// <summary>A group's members; IMAP has no nested groups, so a group within one gives its mailboxes.</summary>
    private static void WriteMembers(IBufferWriter<byte> writer, InternetAddressList members)
    {
        foreach (var member in members)
        {
            if (member is MailboxAddress mailbox)
            {
                WriteMailbox(writer, mailbox);
            }
            else if (member is GroupAddress group)
            {
                WriteMembers(writer, group.Members);
            }
        }
    }

    private static void WriteMailbox(IBufferWriter<byte> writer, MailboxAddress mailbox)
    {
        writer.Byte((byte)'(');
        WritePhrase(writer, mailbox.Name, nilWhenEmpty: true);
        writer.Byte((byte)' ');
        if (mailbox.Route.Count == 0)
        {
            writer.Write("NIL"u8);
        }
        else
        {
            // The obsolete source route, as "@a,@b".
            var route = new StringBuilder();
            foreach (string domain in mailbox.Route)
            {
                route.Append(route.Length > 0 ? ",@" : "@").Append(domain);
            }

            writer.String(route.ToString());
        }

        writer.Byte((byte)' ');

        // A host of NIL would read as a group, so a missing part is named, as Dovecot names it
        // (MailKit's client knows MISSING_DOMAIN and drops it again).
        writer.String(string.IsNullOrEmpty(mailbox.LocalPart) ? "MISSING_MAILBOX" : mailbox.LocalPart);
        writer.Byte((byte)' ');
        writer.String(string.IsNullOrEmpty(mailbox.Domain) ? "MISSING_DOMAIN" : mailbox.Domain);
        writer.Byte((byte)')');
    }

    /// <summary>
    /// Writes a display name. MimeKit hands it over decoded; 7-bit text goes out as it is, and
    /// anything else as RFC 2047 encoded-words, so a client that has not enabled UTF-8 reads 7-bit
    /// text it knows how to decode (MailKit decodes names with Rfc2047.DecodePhrase).
    /// </summary>
    private static void WritePhrase(IBufferWriter<byte> writer, string? name, bool nilWhenEmpty)
    {
        if (string.IsNullOrEmpty(name))
        {
            writer.Write(nilWhenEmpty ? "NIL"u8 : "\"\""u8);
        }
        else if (Ascii.IsValid(name))
        {
            writer.String(name);
        }
        else
        {
            writer.String(Rfc2047.EncodePhrase(Encoding.UTF8, name));
        }
    }

    /// <summary>The header's bytes as an array for MimeKit: the stored array itself when there is one, else a rented copy.</summary>
    private struct AddressSource(ReadOnlyMemory<byte> document, int headerLength) : IDisposable
    {
        private byte[]? _array;
        private int _offset;
        private bool _rented;

        /// <summary>The addresses of the field value at [start, end), or null when absent, empty or unreadable.</summary>
        public InternetAddressList? Parse(int start, int end)
        {
            if (start < 0)
            {
                return null;
            }

            if (_array is null)
            {
                if (MemoryMarshal.TryGetArray(document, out ArraySegment<byte> segment) && segment.Array is not null)
                {
                    _array = segment.Array;
                    _offset = segment.Offset;
                }
                else
                {
                    _array = ArrayPool<byte>.Shared.Rent(Math.Max(headerLength, 1));
                    _rented = true;
                    document.Span[..headerLength].CopyTo(_array);
                }
            }

            return InternetAddressList.TryParse(AddressOptions, _array, _offset + start, end - start, out var list) && list.Count > 0 ? list : null;
        }

        public readonly void Dispose()
        {
            if (_rented && _array is not null)
            {
                ArrayPool<byte>.Shared.Return(_array);
            }
        }
    }
}
