using System.Runtime.InteropServices;
using MimeKit;

namespace Carteiro.Protocols.Imap;

/// <summary>
/// One MIME part of a stored document, as IMAP numbers and describes it: where its header and
/// content lie in the stored bytes, its type as MimeKit read it, and its children (a multipart)
/// or the message it carries (message/rfc822). Offsets are of the stored bytes, so sizes, line
/// counts and sections are the bytes as stored, never a re-serialisation.
/// </summary>
internal sealed class ImapBodyPart
{
    /// <summary>Where the part's header block starts (for a message, the message header).</summary>
    public required int HeaderOffset { get; init; }

    /// <summary>Where the content starts: after the empty line that ends the header.</summary>
    public required int BodyOffset { get; init; }

    /// <summary>Where the content ends: before the line break that belongs to the next boundary.</summary>
    public required int EndOffset { get; init; }

    public required ContentType ContentType { get; init; }

    public ContentDisposition? Disposition { get; init; }

    /// <summary>True for a multipart, even one whose boundary never came and so has no children.</summary>
    public bool IsMultipart { get; init; }

    public IReadOnlyList<ImapBodyPart> Children { get; init; } = [];

    /// <summary>
    /// True for message/rfc822, which IMAP describes with the envelope and structure of the
    /// message it carries (RFC 3501 section 7.4.2).
    /// </summary>
    public bool IsMessage { get; init; }

    /// <summary>
    /// The root part of the carried message, or null when MimeKit could not read one (a
    /// message/rfc822 part illegally base64-encoded, say).
    /// </summary>
    public ImapBodyPart? Message { get; init; }

    public int HeaderLength => BodyOffset - HeaderOffset;

    public int ContentLength => EndOffset - BodyOffset;

    /// <summary>
    /// Reads the MIME structure of a stored document with MimeKit, taking each part's offsets from
    /// the parser's events. The root part's header is the <paramref name="headerLength"/> bytes the
    /// header scan found, so BODY[TEXT] and the root's size always agree. Null when MimeKit found
    /// no message; throws what MimeKit throws.
    /// </summary>
    public static ImapBodyPart? Read(ReadOnlyMemory<byte> document, int headerLength, ParserOptions options)
    {
        var array = MemoryMarshal.TryGetArray(document, out ArraySegment<byte> segment) && segment.Array is not null
            ? segment
            : new ArraySegment<byte>(document.ToArray());
        using var stream = new MemoryStream(array.Array!, array.Offset, array.Count, writable: false);

        // Persistent: MimeKit leaves part content in the stream instead of copying it out.
        var parser = new MimeParser(options, stream, MimeFormat.Entity, persistent: true);
        var offsets = new Dictionary<MimeEntity, (int Begin, int HeadersEnd, int End)>(ReferenceEqualityComparer.Instance);
        parser.MimeEntityEnd += (_, e) => offsets[e.Entity] = ((int)e.BeginOffset, (int)e.HeadersEndOffset, (int)e.EndOffset);
        var message = parser.ParseMessage();
        if (message.Body is not { } body)
        {
            return null;
        }

        return Build(body, offsets, (0, headerLength, document.Length));
    }

    private static ImapBodyPart Build(MimeEntity entity, Dictionary<MimeEntity, (int Begin, int HeadersEnd, int End)> offsets, (int Begin, int HeadersEnd, int End)? place = null)
    {
        var (begin, headersEnd, end) = place ?? offsets[entity];
        var type = entity.ContentType;
        bool isMessage = type.IsMimeType("message", "rfc822");
        List<ImapBodyPart>? children = null;
        ImapBodyPart? message = null;
        if (entity is Multipart multipart)
        {
            children = new List<ImapBodyPart>(multipart.Count);
            foreach (var child in multipart)
            {
                children.Add(Build(child, offsets));
            }
        }
        else if (isMessage && entity is MessagePart { Message.Body: { } carried })
        {
            message = Build(carried, offsets);
        }

        return new ImapBodyPart
        {
            HeaderOffset = begin,
            BodyOffset = headersEnd,
            EndOffset = end,
            ContentType = type,
            Disposition = entity.ContentDisposition,
            IsMultipart = children is not null,
            Children = children is null ? [] : children,
            IsMessage = isMessage && children is null,
            Message = message,
        };
    }
}
