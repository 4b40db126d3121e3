using System.Runtime.InteropServices;
using System.Text;
using Carteiro.Core.Accounts;
using Carteiro.Core.Errors;
using MimeKit;
using MimeKit.Text;
using MimeKit.Utils;

namespace Carteiro.Core.Messages;

/// <summary>
/// A whole RFC 5322 document handed in by a mail program (SMTP submission; IMAP APPEND later):
/// parsed with MimeKit for the fields the store keeps beside it, and completed the way a
/// submission server does (RFC 6409 section 8): a missing Date, Message-ID or From is added, and
/// Bcc is taken out. The bytes are otherwise kept exactly as submitted.
/// </summary>
public static class MimeSubmission
{
    /// <summary>A parsed submission.</summary>
    /// <param name="Bytes">The document to store, CRLF line endings as submitted.</param>
    /// <param name="MessageIdHeader">The Message-ID with angle brackets.</param>
    /// <param name="MessageIdGiven">True when the submitter wrote the Message-ID (so a retry carries it again).</param>
    /// <param name="Subject">The decoded subject, one line.</param>
    /// <param name="Body">The text a reader sees: the plain-text part, else the HTML part's text.</param>
    /// <param name="Attachments">Attachments with their decoded sizes.</param>
    /// <param name="ToNames">Local user names in the To header.</param>
    /// <param name="CcNames">Local user names in the Cc header.</param>
    /// <param name="InReplyToHeader">The Message-ID it answers (In-Reply-To, angle brackets included), if any.</param>
    public sealed record Parsed(
        byte[] Bytes,
        string MessageIdHeader,
        bool MessageIdGiven,
        string Subject,
        MessageText Body,
        IReadOnlyList<AttachmentInfo> Attachments,
        IReadOnlyList<string> ToNames,
        IReadOnlyList<string> CcNames,
        string? InReplyToHeader);

    /// <summary>Parses and completes <paramref name="document"/> submitted by <paramref name="sender"/>.</summary>
    /// <exception cref="CarteiroException"><c>bad-syntax</c> when it is not a message; <c>forbidden</c> when From is someone else.</exception>
    public static Parsed Parse(ReadOnlyMemory<byte> document, string sender, string domain, DateTimeOffset now)
    {
        MimeMessage message;
        try
        {
            message = Load(document);
        }
        catch (FormatException error)
        {
            throw new CarteiroException(ErrorCode.BadSyntax, "the message is not an RFC 5322 document: " + error.Message);
        }

        string own = $"{sender}@{domain}";
        var from = message.From.Mailboxes.ToList();
        if (from.Count > 0 && !from.All(m => string.Equals(m.Address, own, StringComparison.OrdinalIgnoreCase)))
        {
            throw new CarteiroException(ErrorCode.Forbidden, $"the From address must be your own, {own}");
        }

        // What the submitter left out goes on top; nothing below it is touched.
        var added = new StringBuilder();
        if (from.Count == 0)
        {
            added.Append("From: ").Append(new MailboxAddress(sender, own).ToString(FormatOptions.Default, encode: true)).Append("\r\n");
        }

        if (!message.Headers.Contains(HeaderId.Date))
        {
            added.Append("Date: ").Append(DateUtils.FormatDate(now)).Append("\r\n");
        }

        string? givenId = string.IsNullOrWhiteSpace(message.MessageId) ? null : message.MessageId;
        string messageId = givenId ?? MessageIds.New(domain);
        if (givenId is null)
        {
            added.Append("Message-ID: <").Append(messageId).Append(">\r\n");
        }

        byte[] bytes;
        MessageText? body = null;
        if (message.Headers.Contains(HeaderId.Bcc))
        {
            // Blind copies must not show in the copies the recipients get.
            message.Headers.RemoveAll(HeaderId.Bcc);
            using var output = new MemoryStream(document.Length + 256);
            output.Write(Encoding.UTF8.GetBytes(added.ToString()));
            message.WriteTo(FormatOptions.Default, output);
            bytes = output.ToArray();
        }
        else
        {
            bytes = new byte[Encoding.UTF8.GetByteCount(added.ToString()) + document.Length];
            int at = Encoding.UTF8.GetBytes(added.ToString(), bytes);
            document.Span.CopyTo(bytes.AsSpan(at));

            // The common case, one plain-text part kept as submitted: its text is the stored
            // document's tail, and no string of it is made.
            if (message.Body is TextPart { IsPlain: true, IsAttachment: false } single && PlainText.TryLocate(single, document.Span, out int start))
            {
                body = MessageText.InDocument(at + start);
            }
        }

        string subject = OneLine(message.Subject);
        return new Parsed(bytes, $"<{messageId}>", givenId is not null, subject, body ?? ReadableText(message), Attachments(message),
            LocalNames(message.To, domain), LocalNames(message.Cc, domain),
            string.IsNullOrWhiteSpace(message.InReplyTo) ? null : $"<{message.InReplyTo}>");
    }

    /// <summary>What the store keeps beside a filed document (IMAP APPEND), which is kept exactly as given.</summary>
    /// <param name="From">The sender as lists show it: a local user's name, else the address, else the display name.</param>
    /// <param name="To">To recipients, likewise.</param>
    /// <param name="Cc">Cc recipients, likewise.</param>
    /// <param name="Subject">The decoded subject, one line.</param>
    /// <param name="Body">The text a reader sees.</param>
    /// <param name="Attachments">Attachments with their decoded sizes.</param>
    /// <param name="MessageIdHeader">The Message-ID with angle brackets, or empty when it has none.</param>
    public sealed record Described(
        string From,
        IReadOnlyList<string> To,
        IReadOnlyList<string> Cc,
        string Subject,
        string Body,
        IReadOnlyList<AttachmentInfo> Attachments,
        string MessageIdHeader);

    /// <summary>
    /// Reads the fields the store keeps beside <paramref name="document"/> without changing it. A
    /// mail program may file anything in its own folders, so nothing is refused: what MimeKit
    /// cannot make sense of is described as an empty message.
    /// </summary>
    public static Described Describe(ReadOnlyMemory<byte> document, string domain)
    {
        MimeMessage message;
        try
        {
            message = Load(document);
        }
        catch (FormatException)
        {
            return new Described("", [], [], "", "", [], "");
        }

        string subject = OneLine(message.Subject);
        string messageId = string.IsNullOrWhiteSpace(message.MessageId) ? "" : $"<{message.MessageId}>";
        var from = ShownNames(message.From, domain);
        return new Described(from.Count > 0 ? from[0] : "", ShownNames(message.To, domain), ShownNames(message.Cc, domain),
            subject, ReadableText(message), Attachments(message), messageId);
    }

    // Local users by name, like mail delivered here; everyone else by address.
    private static List<string> ShownNames(InternetAddressList addresses, string domain)
    {
        var names = new List<string>();
        foreach (var mailbox in addresses.Mailboxes)
        {
            names.Add(MailAddresses.TryLocalName(mailbox.Address, domain, out string name) ? name
                : !string.IsNullOrEmpty(mailbox.Address) ? mailbox.Address : mailbox.Name ?? "");
        }

        return names;
    }

    // Parsed where it lies (a whole message may be tens of megabytes), not from a copy.
    // Persistent: the parts' content stays a window on the document instead of a copy of it (for
    // a 64 KiB message, 64 KiB more of fresh memory each time). The document outlives every read
    // of that content, all of which happen before Parse or Describe returns.
    private static MimeMessage Load(ReadOnlyMemory<byte> document)
    {
        var input = MemoryMarshal.TryGetArray(document, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(document.ToArray(), writable: false);
        return MimeMessage.Load(input, persistent: true);
    }

    private static string OneLine(string? subject) => (subject ?? "").ReplaceLineEndings(" ").Trim();

    private static string ReadableText(MimeMessage message)
    {
        // The common case, one plain-text part that is not an attachment, without MimeKit's
        // conversion chain when its bytes need none.
        if (message.Body is TextPart { IsPlain: true, IsAttachment: false } single && PlainText.TryRead(single, out string? plain))
        {
            return plain;
        }

        if (message.TextBody is { } text)
        {
            return text;
        }

        return message.HtmlBody is { } html ? HtmlText(html) : "";
    }

    // The words of an HTML body, for lists, search and text-only readers.
    private static string HtmlText(string html)
    {
        var text = new StringBuilder(html.Length / 2);
        var tokenizer = new HtmlTokenizer(new StringReader(html));
        bool skipping = false;
        while (tokenizer.ReadNextToken(out var token))
        {
            switch (token)
            {
                case HtmlTagToken tag when tag.Id is HtmlTagId.Script or HtmlTagId.Style or HtmlTagId.Head:
                    skipping = !tag.IsEndTag && !tag.IsEmptyElement;
                    break;
                case HtmlTagToken tag when tag.Id is HtmlTagId.P or HtmlTagId.Br or HtmlTagId.Div or HtmlTagId.TR or HtmlTagId.LI:
                    text.Append('\n');
                    break;
                case HtmlDataToken data when !skipping:
                    text.Append(data.Data);
                    break;
            }
        }

        return text.ToString().Trim();
    }

    private static List<AttachmentInfo> Attachments(MimeMessage message)
    {
        var result = new List<AttachmentInfo>();
        foreach (var entity in message.Attachments)
        {
            if (entity is MimePart { Content: not null } part)
            {
                using var counter = new CountingStream();
                part.Content.DecodeTo(counter);
                result.Add(new AttachmentInfo(part.FileName ?? "attachment", part.ContentType.MimeType, counter.Length));
            }
        }

        return result;
    }

    private static List<string> LocalNames(InternetAddressList addresses, string domain)
    {
        var names = new List<string>();
        foreach (var mailbox in addresses.Mailboxes)
        {
            if (MailAddresses.TryLocalName(mailbox.Address, domain, out string name))
            {
                names.Add(name);
            }
        }

        return names;
    }

    /// <summary>Counts what is written to it and keeps nothing: the decoded size of an attachment.</summary>
    private sealed class CountingStream : Stream
    {
        private long _length;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position { get => _length; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => _length += count;

        public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
