using MimeKit;
using MimeKit.Text;

namespace Carteiro.Core.Messages;

/// <summary>
/// Builds the RFC 5322 document of a native send, so every door (IMAP, POP3, the web) serves the
/// same bytes: <see cref="PlainDocument"/> for plain sends, MimeKit for the rest (the same bytes
/// either way). Bcc is never written into the document.
/// </summary>
public static class MimeComposer
{
    // MimeKit writes LF line endings here (its filters to CRLF cost more than the rest of the
    // document); ToCrlf then gives the RFC 5322 line endings that IMAP and POP3 serve as they are.
    private static readonly FormatOptions LfFormat = CreateLfFormat();

    /// <summary>A built document with the facts the store keeps beside it.</summary>
    /// <param name="Bytes">The RFC 5322 document, CRLF line endings.</param>
    /// <param name="MessageIdHeader">The Message-ID as written in the header, angle brackets included.</param>
    /// <param name="Attachments">What the document carries as attachments.</param>
    public sealed record Composed(byte[] Bytes, string MessageIdHeader, IReadOnlyList<AttachmentInfo> Attachments);

    /// <summary>Builds the document for <paramref name="draft"/> from <paramref name="sender"/>.</summary>
    /// <param name="sender">The sender's user name (stamped from the session).</param>
    /// <param name="draft">What to send; To/Cc hold user names.</param>
    /// <param name="domain">Mail domain for addresses and the Message-ID.</param>
    /// <param name="date">The Date header.</param>
    /// <param name="inReplyTo">The parent's Message-ID (as in its header) when this is a reply.</param>
    public static Composed Compose(string sender, Draft draft, string domain, DateTimeOffset date, string? inReplyTo)
    {
        string messageId = MessageIds.New(domain);
        return PlainDocument.TryWrite(sender, draft, domain, date, inReplyTo, messageId) is { } document
            ? new Composed(document, $"<{messageId}>", [])
            : ComposeWithMimeKit(sender, draft, domain, date, inReplyTo, messageId);
    }

    /// <summary>Builds the document with MimeKit's object model: any draft, at MimeKit's cost.</summary>
    internal static Composed ComposeWithMimeKit(string sender, Draft draft, string domain, DateTimeOffset date, string? inReplyTo, string messageId)
    {
        var message = new MimeMessage
        {
            Date = date,
            Subject = draft.Subject,
            MessageId = messageId,
        };
        message.From.Add(new MailboxAddress(sender, $"{sender}@{domain}"));
        if (draft.ToEveryone)
        {
            message.To.Add(new MailboxAddress("everyone", $"everyone@{domain}"));
        }

        foreach (string name in draft.To)
        {
            message.To.Add(new MailboxAddress(name, $"{name}@{domain}"));
        }

        foreach (string name in draft.Cc)
        {
            message.Cc.Add(new MailboxAddress(name, $"{name}@{domain}"));
        }

        if (inReplyTo is not null)
        {
            // MimeKit keeps ids without their angle brackets and adds them when it writes.
            string parent = inReplyTo.Trim().TrimStart('<').TrimEnd('>');
            message.InReplyTo = parent;
            message.References.Add(parent);
        }

        var text = new TextPart(TextFormat.Plain);
        text.SetText(System.Text.Encoding.UTF8, draft.Body);

        // 7-bit when the body allows it, quoted-printable otherwise: valid for any IMAP or POP3
        // client, and cheaper than letting MimeKit scan every part to decide.
        text.ContentTransferEncoding = IsSevenBitSafe(draft.Body) ? ContentEncoding.SevenBit : ContentEncoding.QuotedPrintable;
        var attachments = new List<AttachmentInfo>(draft.Attachments.Count);
        if (draft.Attachments.Count == 0)
        {
            message.Body = text;
        }
        else
        {
            var mixed = new Multipart("mixed") { text };
            foreach (var attachment in draft.Attachments)
            {
                var part = new MimePart(ContentType.TryParse(attachment.ContentType, out var type) ? type : new ContentType("application", "octet-stream"))
                {
                    Content = new MimeContent(new MemoryStream(attachment.Content.ToArray(), writable: false)),
                    ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
                    ContentTransferEncoding = ContentEncoding.Base64,
                    FileName = attachment.FileName,
                };
                mixed.Add(part);
                attachments.Add(new AttachmentInfo(attachment.FileName, part.ContentType.MimeType, attachment.Content.Length));
            }

            message.Body = mixed;
        }

        using var output = new MemoryStream(draft.Body.Length + 1024);
        message.WriteTo(LfFormat, output);
        return new Composed(ToCrlf(output.GetBuffer().AsSpan(0, (int)output.Length)), $"<{message.MessageId}>", attachments);
    }

    private static FormatOptions CreateLfFormat()
    {
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Unix;
        return format;
    }

    /// <summary>
    /// Turns every bare LF into CRLF. Safe on a whole document whose parts are all 7-bit text,
    /// quoted-printable or base64: no raw binary holds an LF byte of its own.
    /// </summary>
    internal static byte[] ToCrlf(ReadOnlySpan<byte> document)
    {
        var result = new byte[CrlfLength(document)];
        CopyAsCrlf(document, result);
        return result;
    }

    /// <summary>The length of <paramref name="text"/> once every bare LF is a CRLF.</summary>
    internal static int CrlfLength(ReadOnlySpan<byte> text)
    {
        int length = text.Length;
        for (int i = text.IndexOf((byte)'\n'); i >= 0;)
        {
            if (i == 0 || text[i - 1] != '\r')
            {
                length++;
            }

            int next = text[(i + 1)..].IndexOf((byte)'\n');
            i = next < 0 ? -1 : i + 1 + next;
        }

        return length;
    }

    /// <summary>Copies <paramref name="text"/> with every bare LF written as CRLF; <paramref name="destination"/> holds <see cref="CrlfLength"/> bytes.</summary>
    internal static void CopyAsCrlf(ReadOnlySpan<byte> text, Span<byte> destination)
    {
        int written = 0;
        int start = 0;
        for (int i = text.IndexOf((byte)'\n'); i >= 0;)
        {
            text[start..i].CopyTo(destination[written..]);
            written += i - start;
            if (i == 0 || text[i - 1] != '\r')
            {
                destination[written++] = (byte)'\r';
            }

            destination[written++] = (byte)'\n';
            start = i + 1;
            int next = text[start..].IndexOf((byte)'\n');
            i = next < 0 ? -1 : start + next;
        }

        text[start..].CopyTo(destination[written..]);
    }

    // ASCII without NUL or bare CR, every line at most 998 octets (RFC 5322 2.1.1).
    internal static bool IsSevenBitSafe(string body)
    {
        int lineLength = 0;
        for (int i = 0; i < body.Length; i++)
        {
            char c = body[i];
            if (c is > (char)127 or '\0' || (c == '\r' && (i + 1 >= body.Length || body[i + 1] != '\n')))
            {
                return false;
            }

            lineLength = c == '\n' ? 0 : lineLength + 1;
            if (lineLength > 998)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Reads the attachments (with their bytes) back out of a stored document.</summary>
    public static IReadOnlyList<Attachment> ReadAttachments(byte[] document)
    {
        using var input = new MemoryStream(document, writable: false);
        var message = MimeMessage.Load(input);
        var result = new List<Attachment>();
        foreach (var entity in message.Attachments)
        {
            if (entity is not MimePart part || part.Content is null)
            {
                continue;
            }

            using var content = new MemoryStream();
            part.Content.DecodeTo(content);
            result.Add(new Attachment(part.FileName ?? "attachment", part.ContentType.MimeType, content.ToArray()));
        }

        return result;
    }
}
