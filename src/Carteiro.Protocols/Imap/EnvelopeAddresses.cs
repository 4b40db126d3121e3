using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using MimeKit;
using MimeKit.Utils;

namespace Carteiro.Protocols.Imap;

/// <summary>
/// Writes one address field of an ENVELOPE (RFC 3501 section 7.4.2): a list of
/// (name adl mailbox host), a group opened by (NIL NIL name NIL) and closed by (NIL NIL NIL NIL).
/// The forms nearly all mail carries (<c>a@b</c>, <c>Name &lt;a@b&gt;</c>, <c>"Name" &lt;a@b&gt;</c>,
/// <c>a@b (Name)</c>, in 7-bit) are read straight from the stored bytes, allocating nothing,
/// with display names kept as stored (encoded-words stay encoded, as in Dovecot). Anything else
/// (groups, routes, quoted local parts, 8-bit, odd comments, broken syntax) goes to MimeKit's
/// lenient parser, whose decoded names go out as RFC 2047 encoded-words when they are not 7-bit.
/// </summary>
internal static class EnvelopeAddresses
{
    // More addresses than this in one field is rare enough to leave to MimeKit.
    private const int MaxSimple = 32;

    // Longest display name normalised on the stack.
    private const int StackName = 256;

    private static readonly ParserOptions Options = ParserOptions.Default.Clone();

    private enum Simple
    {
        Written,
        Empty,
        Unsupported,
    }

    /// <summary>
    /// Writes the address list of the field value at [<paramref name="start"/>, <paramref name="end"/>)
    /// of the header, or nothing and false when the field is absent, empty or unreadable (the
    /// caller then writes NIL, or From's list for Sender and Reply-To).
    /// </summary>
    public static bool TryWrite(IBufferWriter<byte> writer, ref Source source, int start, int end)
    {
        if (start < 0)
        {
            return false;
        }

        switch (TryWriteSimple(writer, source.Header[start..end]))
        {
            case Simple.Written:
                return true;
            case Simple.Empty:
                return false;
        }

        if (source.Parse(start, end) is not { Count: > 0 } list)
        {
            return false;
        }

        writer.Byte((byte)'(');
        foreach (var address in list)
        {
            if (address is GroupAddress group)
            {
                writer.Write("(NIL NIL "u8);
                WritePhrase(writer, group.Name, nilWhenEmpty: false);
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
        return true;
    }

    /// <summary>
    /// The fast path: checks the whole value first and writes only when every address in it has a
    /// simple form, so that a value it cannot read is left whole to MimeKit.
    /// </summary>
    private static Simple TryWriteSimple(IBufferWriter<byte> writer, ReadOnlySpan<byte> value)
    {
        Span<SimpleMailbox> mailboxes = stackalloc SimpleMailbox[MaxSimple];
        int count = 0;
        int at = 0;
        while (true)
        {
            SkipSpace(value, ref at);
            if (at == value.Length)
            {
                break;
            }

            if (value[at] == (byte)',')
            {
                // Empty list members ("a@b,,c@d") are allowed by the obsolete syntax.
                at++;
                continue;
            }

            if (count == MaxSimple || !TryReadMailbox(value, ref at, out mailboxes[count]))
            {
                return Simple.Unsupported;
            }

            count++;
            SkipSpace(value, ref at);
            if (at < value.Length && value[at] != (byte)',')
            {
                return Simple.Unsupported;
            }
        }

        if (count == 0)
        {
            return Simple.Empty;
        }

        writer.Byte((byte)'(');
        foreach (var mailbox in mailboxes[..count])
        {
            writer.Byte((byte)'(');
            WriteSimpleName(writer, value, mailbox);
            writer.Write(" NIL "u8);
            writer.String(value[mailbox.LocalStart..mailbox.LocalEnd]);
            writer.Byte((byte)' ');
            writer.String(value[mailbox.DomainStart..mailbox.DomainEnd]);
            writer.Byte((byte)')');
        }

        writer.Byte((byte)')');
        return Simple.Written;
    }

    /// <summary>Reads <c>[phrase] &lt;local@domain&gt;</c> or <c>local@domain [(comment)]</c>, 7-bit only.</summary>
    private static bool TryReadMailbox(ReadOnlySpan<byte> value, ref int at, out SimpleMailbox mailbox)
    {
        mailbox = default;
        int phraseStart = at;
        int phraseEnd = at;
        int words = 0;
        bool quoted = false;
        while (true)
        {
            SkipSpace(value, ref at);
            if (at == value.Length)
            {
                return false;
            }

            byte c = value[at];
            if (c == (byte)'"')
            {
                if (!SkipQuoted(value, ref at))
                {
                    return false;
                }

                quoted = true;
            }
            else if (IsAtomChar(c))
            {
                SkipAtom(value, ref at);
            }
            else
            {
                break;
            }

            words++;
            phraseEnd = at;
        }

        if (value[at] == (byte)'<')
        {
            // name-addr: the phrase, if any, is the display name.
            at++;
            SkipSpace(value, ref at);
            if (!TryReadAddrSpec(value, ref at, ref mailbox))
            {
                return false;
            }

            SkipSpace(value, ref at);
            if (at == value.Length || value[at] != (byte)'>')
            {
                return false;
            }

            at++;
            mailbox.NameStart = words > 0 ? phraseStart : -1;
            mailbox.NameEnd = phraseEnd;
            return true;
        }

        if (value[at] != (byte)'@' || words != 1 || quoted)
        {
            // A group, a route, a quoted local part, a word without an @: MimeKit's to read.
            return false;
        }

        // addr-spec: the single word read was the local part.
        at = phraseStart;
        if (!TryReadAddrSpec(value, ref at, ref mailbox))
        {
            return false;
        }

        mailbox.NameStart = -1;
        int afterSpec = at;
        SkipSpace(value, ref at);
        if (at < value.Length && value[at] == (byte)'(')
        {
            // "a@b (Name)": the comment is the name, as in Dovecot and MimeKit.
            int close = value[at..].IndexOfAny((byte)')', (byte)'(');
            if (close < 0 || value[at + close] != (byte)')' || value.Slice(at, close).Contains((byte)'\\') || !Ascii.IsValid(value.Slice(at, close)))
            {
                return false;
            }

            mailbox.NameStart = at + 1;
            mailbox.NameEnd = at + close;
            mailbox.NameIsComment = true;
            at += close + 1;
        }
        else
        {
            at = afterSpec;
        }

        return true;
    }

    private static bool TryReadAddrSpec(ReadOnlySpan<byte> value, ref int at, ref SimpleMailbox mailbox)
    {
        mailbox.LocalStart = at;
        SkipAtom(value, ref at);
        mailbox.LocalEnd = at;
        if (mailbox.LocalEnd == mailbox.LocalStart || at == value.Length || value[at] != (byte)'@')
        {
            return false;
        }

        at++;
        mailbox.DomainStart = at;
        SkipAtom(value, ref at);
        mailbox.DomainEnd = at;
        return mailbox.DomainEnd > mailbox.DomainStart;
    }

    /// <summary>
    /// Writes a display name read by the fast path: words joined by one space, quoted strings
    /// unquoted, line breaks of folding dropped; NIL when it comes to nothing.
    /// </summary>
    private static void WriteSimpleName(IBufferWriter<byte> writer, ReadOnlySpan<byte> value, in SimpleMailbox mailbox)
    {
        if (mailbox.NameStart < 0)
        {
            writer.Write("NIL"u8);
            return;
        }

        var raw = value[mailbox.NameStart..mailbox.NameEnd];
        byte[]? rented = null;
        Span<byte> name = raw.Length <= StackName ? stackalloc byte[StackName] : (rented = ArrayPool<byte>.Shared.Rent(raw.Length));
        try
        {
            int length = 0;
            if (mailbox.NameIsComment)
            {
                foreach (byte b in raw)
                {
                    if (b is not ((byte)'\r' or (byte)'\n'))
                    {
                        name[length++] = b;
                    }
                }

                var trimmed = name[..length].Trim(" \t"u8);
                if (trimmed.IsEmpty)
                {
                    writer.Write("NIL"u8);
                }
                else
                {
                    writer.String(trimmed);
                }

                return;
            }

            bool space = false;
            for (int i = 0; i < raw.Length; i++)
            {
                byte b = raw[i];
                if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
                {
                    space = length > 0;
                    continue;
                }

                if (space)
                {
                    name[length++] = (byte)' ';
                    space = false;
                }

                if (b != (byte)'"')
                {
                    name[length++] = b;
                    continue;
                }

                for (i++; i < raw.Length && raw[i] != (byte)'"'; i++)
                {
                    if (raw[i] == (byte)'\\')
                    {
                        i++;
                    }

                    if (raw[i] is not ((byte)'\r' or (byte)'\n'))
                    {
                        name[length++] = raw[i];
                    }
                }
            }

            if (length == 0)
            {
                writer.Write("NIL"u8);
            }
            else
            {
                writer.String(name[..length]);
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static void SkipSpace(ReadOnlySpan<byte> value, ref int at)
    {
        while (at < value.Length && value[at] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            at++;
        }
    }

    private static void SkipAtom(ReadOnlySpan<byte> value, ref int at)
    {
        while (at < value.Length && IsAtomChar(value[at]))
        {
            at++;
        }
    }

    /// <summary>Skips a quoted string, 7-bit only; false when it is not closed.</summary>
    private static bool SkipQuoted(ReadOnlySpan<byte> value, ref int at)
    {
        for (at++; at < value.Length; at++)
        {
            byte c = value[at];
            if (c == (byte)'"')
            {
                at++;
                return true;
            }

            if (c == (byte)'\\')
            {
                at++;
                if (at == value.Length)
                {
                    return false;
                }

                c = value[at];
            }

            if (c is 0 or > 127)
            {
                return false;
            }
        }

        return false;
    }

    /// <summary>RFC 5322 atext, plus '.' (dot-atoms, and the obsolete phrase syntax allows it in names).</summary>
    private static bool IsAtomChar(byte c) =>
        char.IsAsciiLetterOrDigit((char)c) || c is (byte)'.' or (byte)'!' or (byte)'#' or (byte)'$' or (byte)'%'
            or (byte)'&' or (byte)'\'' or (byte)'*' or (byte)'+' or (byte)'-' or (byte)'/' or (byte)'=' or (byte)'?'
            or (byte)'^' or (byte)'_' or (byte)'`' or (byte)'{' or (byte)'|' or (byte)'}' or (byte)'~';

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
    /// Writes a display name MimeKit decoded: 7-bit text as it is, anything else as RFC 2047
    /// encoded-words, so that a client that has not enabled UTF-8 gets 7-bit text it can decode
    /// (MailKit decodes envelope names with Rfc2047.DecodePhrase).
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

    /// <summary>Where one simply-written mailbox lies in the field value.</summary>
    private struct SimpleMailbox
    {
        public int NameStart;
        public int NameEnd;
        public bool NameIsComment;
        public int LocalStart;
        public int LocalEnd;
        public int DomainStart;
        public int DomainEnd;
    }

    /// <summary>
    /// The header being read, and its bytes as an array for MimeKit's parser: the stored array
    /// itself when there is one, else a copy rented on first need.
    /// </summary>
    public ref struct Source(ReadOnlyMemory<byte> document, int headerLength)
    {
        private byte[]? _array;
        private int _offset;
        private bool _rented;

        public readonly ReadOnlySpan<byte> Header => document.Span[..headerLength];

        /// <summary>The addresses of the field value at [start, end), or null when MimeKit cannot read them.</summary>
        public InternetAddressList? Parse(int start, int end)
        {
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

            return InternetAddressList.TryParse(Options, _array, _offset + start, end - start, out var list) ? list : null;
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
