namespace Carteiro.Core.Messages;

/// <summary>
/// The text a reader sees of a message about to be stored: a string, or a place in the message's
/// own document. A submitted document whose one plain-text part needs no decoding holds its text
/// as is, from where its header ends to its end; for such a message no string of the text is
/// made at all (for 64 KiB of text that was a 128 KB object, cleared and filled for each message
/// only to be compared with the document and dropped).
/// </summary>
public sealed class MessageText
{
    private MessageText(string? value, int documentStart)
    {
        Value = value;
        DocumentStart = documentStart;
    }

    /// <summary>Where the text starts in the document; -1 when it is a string.</summary>
    /// <remarks>
    /// The text is then the document from this byte to its end, as UTF-8 with each CRLF read as
    /// LF: valid UTF-8 without a byte-order mark, a NUL, or a CR that ends it (checked when found).
    /// </remarks>
    public int DocumentStart { get; }

    /// <summary>The text as a string, or null when it is a place in the document.</summary>
    public string? Value { get; }

    /// <summary>A text given as a string.</summary>
    public static MessageText Of(string text) => new(text, -1);

    /// <summary>The text that is the document from byte <paramref name="start"/> to its end (see <see cref="DocumentStart"/>).</summary>
    public static MessageText InDocument(int start) =>
        start >= 0 ? new(null, start) : throw new ArgumentOutOfRangeException(nameof(start), start, "the text starts inside the document");

    public static implicit operator MessageText(string text) => Of(text);

    /// <summary>The one-line preview of the text in <paramref name="document"/>, the message's own document.</summary>
    public string Snippet(ReadOnlySpan<byte> document) =>
        Value is { } value ? Messages.Snippet.Of(value) : Messages.Snippet.Of(document[DocumentStart..]);
}
