using System.Buffers;
using System.Text;
using MimeKit.Encodings;
using MimeKit.Utils;

namespace Carteiro.Core.Messages;

/// <summary>
/// Writes the RFC 5322 document of the commonest native send (plain text, no attachments, names
/// and a subject that need neither RFC 2047 encoding nor folding) byte for byte as MimeKit would,
/// without building MimeKit's object model: that model cost ~35 µs and ~28 KB of garbage per
/// 1 KiB send, a third of the server's CPU under load once its collections are counted. Any
/// other draft is left to MimeKit. A randomised test holds both to the same bytes.
/// </summary>
internal static class PlainDocument
{
    // Longest header line MimeKit writes unfolded (RFC 5322 2.1.1's recommended 78).
    private const int MaxHeaderLine = 78;

    // The quoted-printable line length MimeKit's encoder filter uses.
    private const int QuotedPrintableLine = 76;

    /// <summary>
    /// The document for <paramref name="draft"/>, or null when MimeKit must write it (its header
    /// would need RFC 2047 words or folding, or it has attachments).
    /// </summary>
    public static byte[]? TryWrite(string sender, Draft draft, string domain, DateTimeOffset date, string? inReplyTo, string messageId)
    {
        if (draft.Attachments.Count > 0 || !IsAtomText(domain) || !IsPlainSubject(draft.Subject))
        {
            return null;
        }

        string? parent = inReplyTo?.Trim().TrimStart('<').TrimEnd('>');
        if (parent is not null && !IsMessageId(parent))
        {
            return null;
        }

        var header = new HeaderWriter(stackalloc byte[1024]);
        try
        {
            if (!header.Mailboxes("From: ", [sender], everyone: false, domain))
            {
                return null;
            }

            header.Line("Date: ", DateUtils.FormatDate(date));
            // MimeKit leaves no space after the colon of an empty subject.
            header.Line(draft.Subject.Length == 0 ? "Subject:" : "Subject: ", draft.Subject);
            header.Line("Message-Id: <", messageId, ">");
            if ((draft.To.Count > 0 || draft.ToEveryone) && !header.Mailboxes("To: ", draft.To, draft.ToEveryone, domain))
            {
                return null;
            }

            if (draft.Cc.Count > 0 && !header.Mailboxes("Cc: ", draft.Cc, everyone: false, domain))
            {
                return null;
            }

            if (parent is not null)
            {
                header.Line("In-Reply-To: <", parent, ">");
                header.Line("References: <", parent, ">");
            }

            header.Line("MIME-Version: ", "1.0");
            header.Line("Content-Type: ", "text/plain; charset=utf-8");
            bool sevenBit = MimeComposer.IsSevenBitSafe(draft.Body);
            header.Line("Content-Transfer-Encoding: ", sevenBit ? "7bit" : "quoted-printable");
            header.Append("\r\n");
            if (header.TooLong)
            {
                return null;
            }

            return WithBody(header.Written, draft.Body, sevenBit);
        }
        finally
        {
            header.Dispose();
        }
    }

    private static byte[] WithBody(ReadOnlySpan<byte> header, string body, bool sevenBit)
    {
        // The exact count, not the worst case: a body may be megabytes, three bytes a char at worst.
        int length = Encoding.UTF8.GetByteCount(body);
        byte[] utf8 = ArrayPool<byte>.Shared.Rent(length);
        byte[]? encoded = null;
        try
        {
            Encoding.UTF8.GetBytes(body, utf8);
            ReadOnlySpan<byte> content = utf8.AsSpan(0, length);
            if (!sevenBit)
            {
                var encoder = new QuotedPrintableEncoder(QuotedPrintableLine);
                encoded = ArrayPool<byte>.Shared.Rent(encoder.EstimateOutputLength(length));
                content = encoded.AsSpan(0, encoder.Flush(utf8, 0, length, encoded));
            }

            // MimeKit ends the text with a line break when it has none.
            bool ended = content.EndsWith("\n"u8);
            var document = new byte[header.Length + MimeComposer.CrlfLength(content) + (ended ? 0 : 2)];
            header.CopyTo(document);
            MimeComposer.CopyAsCrlf(content, document.AsSpan(header.Length));
            if (!ended)
            {
                "\r\n"u8.CopyTo(document.AsSpan(document.Length - 2));
            }

            return document;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(utf8);
            if (encoded is not null)
            {
                ArrayPool<byte>.Shared.Return(encoded);
            }
        }
    }

    // Printable ASCII: MimeKit writes it as it is when it fits on its line (it would trim the
    // spaces at either end).
    private static bool IsPlainSubject(string subject)
    {
        if (subject.StartsWith(' ') || subject.EndsWith(' '))
        {
            return false;
        }

        foreach (char c in subject)
        {
            if (c is < ' ' or > '~')
            {
                return false;
            }
        }

        return true;
    }

    // local@domain, each side a dot-atom: the ids MimeKit keeps as they are.
    private static bool IsMessageId(string id)
    {
        int at = id.IndexOf('@');
        return at > 0 && IsAtomText(id.AsSpan(0, at)) && IsAtomText(id.AsSpan(at + 1));
    }

    // A dot-atom of letters, digits, '_' and '-' (RFC 5322 3.2.3, narrowed to what user names hold).
    private static bool IsAtomText(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty || text[0] == '.' || text[^1] == '.' || text.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (char c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Header lines in ASCII, in a stack buffer that moves to a pooled one when it fills.</summary>
    private ref struct HeaderWriter(Span<byte> initial)
    {
        private Span<byte> _buffer = initial;
        private byte[]? _rented;
        private int _length;
        private int _lineStart;

        public readonly ReadOnlySpan<byte> Written => _buffer[.._length];

        /// <summary>A line came out longer than MimeKit writes without folding it.</summary>
        public bool TooLong { get; private set; }

        public void Line(string name, string value, string end = "")
        {
            Append(name);
            Append(value);
            Append(end);
            EndLine();
        }

        /// <summary>An address header; false when a name is not a plain dot-atom.</summary>
        public bool Mailboxes(string name, IReadOnlyList<string> users, bool everyone, string domain)
        {
            Append(name);
            bool first = true;
            if (everyone)
            {
                Mailbox("everyone", domain);
                first = false;
            }

            foreach (string user in users)
            {
                if (!IsAtomText(user))
                {
                    return false;
                }

                if (!first)
                {
                    Append(", ");
                }

                Mailbox(user, domain);
                first = false;
            }

            EndLine();
            return true;
        }

        private void Mailbox(string user, string domain)
        {
            // A '.' is not allowed in an unquoted display name (RFC 5322 3.2.5).
            bool quoted = user.Contains('.', StringComparison.Ordinal);
            Append(quoted ? "\"" : "");
            Append(user);
            Append(quoted ? "\" <" : " <");
            Append(user);
            Append("@");
            Append(domain);
            Append(">");
        }

        private void EndLine()
        {
            TooLong |= _length - _lineStart > MaxHeaderLine;
            Append("\r\n");
            _lineStart = _length;
        }

        public void Append(string ascii)
        {
            if (_length + ascii.Length > _buffer.Length)
            {
                Grow(ascii.Length);
            }

            _length += Encoding.ASCII.GetBytes(ascii, _buffer[_length..]);
        }

        private void Grow(int needed)
        {
            byte[] larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + needed));
            _buffer[.._length].CopyTo(larger);
            if (_rented is not null)
            {
                ArrayPool<byte>.Shared.Return(_rented);
            }

            _rented = larger;
            _buffer = larger;
        }

        public void Dispose()
        {
            if (_rented is not null)
            {
                ArrayPool<byte>.Shared.Return(_rented);
                _rented = null;
            }
        }
    }
}
