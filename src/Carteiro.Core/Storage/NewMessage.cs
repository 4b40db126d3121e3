using Carteiro.Core.Accounts;
using Carteiro.Core.Messages;

namespace Carteiro.Core.Storage;

/// <summary>A message ready to store: validated, with its MIME document built.</summary>
public sealed record NewMessage(
    Account Sender,
    string? ClientId,
    DateTimeOffset Date,
    IReadOnlyList<string> To,
    IReadOnlyList<string> Cc,
    IReadOnlyList<string> Bcc,
    bool ToEveryone,
    string Subject,
    MessageText Body,
    IReadOnlyList<AttachmentInfo> Attachments,
    long? InReplyTo,
    long? ThreadId,
    string MessageIdHeader,
    ReadOnlyMemory<byte> Mime)
{
    private string? _snippet;

    /// <summary>The text; a copy made with another text works its snippet out anew.</summary>
    public MessageText Body
    {
        get;
        init
        {
            field = value;
            _snippet = null;
        }
    } = Body;

    /// <summary>The document; a copy made with another document works its snippet out anew.</summary>
    public ReadOnlyMemory<byte> Mime
    {
        get;
        init
        {
            field = value;
            _snippet = null;
        }
    } = Mime;

    /// <summary>
    /// The one-line preview that lists and events show, worked out on first use. A store asks for
    /// it before it queues the message for its writer, so that it is worked out on the caller's
    /// thread, one of many, and not on the single writer that every send waits for.
    /// </summary>
    public string Snippet => _snippet ??= Body.Snippet(Mime.Span);
}
