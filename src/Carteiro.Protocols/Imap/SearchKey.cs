using Carteiro.Core.Mailboxes;
using Carteiro.Core.Storage;

namespace Carteiro.Protocols.Imap;

/// <summary>
/// A SEARCH criterion (RFC 3501 section 6.4.4, with MODSEQ from RFC 7162), parsed into a tree and
/// tested against one message at a time. Criteria on flags, numbers, sizes and dates are answered
/// from the folder's entries; only text criteria read the message.
/// </summary>
internal abstract record SearchKey
{
    /// <summary>True when testing needs the message's header or text.</summary>
    public virtual bool NeedsDocument => false;

    /// <summary>True when the criterion is MODSEQ (the answer then ends with the highest one).</summary>
    public virtual bool UsesModSeq => false;

    public abstract bool Matches(SearchSubject subject);

    /// <summary>Reads every criterion to the end of the command; several are ANDed.</summary>
    public static SearchKey ParseAll(ImapArguments arguments)
    {
        var keys = new List<SearchKey>();
        while (!arguments.AtEnd)
        {
            keys.Add(Parse(arguments));
        }

        return keys.Count switch
        {
            0 => throw new ImapSyntaxException("SEARCH needs at least one criterion"),
            1 => keys[0],
            _ => new All(keys),
        };
    }

    private static SearchKey Parse(ImapArguments arguments)
    {
        if (arguments.TryTake('('))
        {
            var inner = new List<SearchKey>();
            while (!arguments.TryTake(')'))
            {
                if (arguments.AtEnd)
                {
                    throw new ImapSyntaxException("a parenthesised search criterion is not closed");
                }

                inner.Add(Parse(arguments));
            }

            return inner.Count == 1 ? inner[0] : new All(inner);
        }

        string word = arguments.RequiredWord("a search criterion");
        if (SequenceSet.LooksLikeOne(word))
        {
            return new Numbers(SequenceSet.Parse(word), ByUid: false);
        }

        switch (word.ToUpperInvariant())
        {
            case "ALL": return new All([]);
            case "ANSWERED": return new Flag(MessageFlags.Answered, true);
            case "UNANSWERED": return new Flag(MessageFlags.Answered, false);
            case "DELETED": return new Flag(MessageFlags.Deleted, true);
            case "UNDELETED": return new Flag(MessageFlags.Deleted, false);
            case "DRAFT": return new Flag(MessageFlags.Draft, true);
            case "UNDRAFT": return new Flag(MessageFlags.Draft, false);
            case "FLAGGED": return new Flag(MessageFlags.Flagged, true);
            case "UNFLAGGED": return new Flag(MessageFlags.Flagged, false);
            case "SEEN": return new Flag(MessageFlags.Seen, true);
            case "UNSEEN": return new Flag(MessageFlags.Seen, false);
            // Nothing is \Recent here (IMAP4rev2 dropped it): NEW is unseen, OLD is everything.
            case "NEW": return new Flag(MessageFlags.Seen, false);
            case "OLD": return new All([]);
            case "RECENT": return new Not(new All([]));
            case "KEYWORD":
                arguments.AString("a keyword");
                return new Not(new All([]));
            case "UNKEYWORD":
                arguments.AString("a keyword");
                return new All([]);
            case "NOT": return new Not(Parse(arguments));
            case "OR": return new Or(Parse(arguments), Parse(arguments));
            case "UID": return new Numbers(SequenceSet.Parse(arguments.RequiredWord("a UID set")), ByUid: true);
            case "LARGER": return new Size(arguments.Number("a size"), Larger: true);
            case "SMALLER": return new Size(arguments.Number("a size"), Larger: false);
            case "BEFORE": return new Internal(ImapDates.ParseDate(arguments.AString("a date")), -1);
            case "ON": return new Internal(ImapDates.ParseDate(arguments.AString("a date")), 0);
            case "SINCE": return new Internal(ImapDates.ParseDate(arguments.AString("a date")), 1);
            case "SENTBEFORE": return new Sent(ImapDates.ParseDate(arguments.AString("a date")), -1);
            case "SENTON": return new Sent(ImapDates.ParseDate(arguments.AString("a date")), 0);
            case "SENTSINCE": return new Sent(ImapDates.ParseDate(arguments.AString("a date")), 1);
            case "FROM": return new Header("From", arguments.AString("a string"));
            case "TO": return new Header("To", arguments.AString("a string"));
            case "CC": return new Header("Cc", arguments.AString("a string"));
            case "BCC": return new Header("Bcc", arguments.AString("a string"));
            case "SUBJECT": return new Header("Subject", arguments.AString("a string"));
            case "HEADER": return new Header(arguments.AString("a header name"), arguments.AString("a string"));
            case "BODY": return new Text(arguments.AString("a string"), WithHeader: false);
            case "TEXT": return new Text(arguments.AString("a string"), WithHeader: true);
            case "MODSEQ":
                // MODSEQ [entry-name entry-type] n: the entry names only narrow which flags count; all do here.
                if (arguments.Peek() == '"')
                {
                    arguments.AString("an entry name");
                    arguments.RequiredWord("an entry type");
                }

                return new ModSeq(arguments.Number("a modification sequence"));
            case var other:
                throw new ImapSyntaxException($"unknown search criterion {ImapArguments.Printable(other)}");
        }
    }

    private sealed record All(IReadOnlyList<SearchKey> Keys) : SearchKey
    {
        public override bool NeedsDocument => Keys.Any(k => k.NeedsDocument);

        public override bool UsesModSeq => Keys.Any(k => k.UsesModSeq);

        public override bool Matches(SearchSubject subject)
        {
            foreach (var key in Keys)
            {
                if (!key.Matches(subject))
                {
                    return false;
                }
            }

            return true;
        }
    }

    private sealed record Not(SearchKey Key) : SearchKey
    {
        public override bool NeedsDocument => Key.NeedsDocument;

        public override bool UsesModSeq => Key.UsesModSeq;

        public override bool Matches(SearchSubject subject) => !Key.Matches(subject);
    }

    private sealed record Or(SearchKey Left, SearchKey Right) : SearchKey
    {
        public override bool NeedsDocument => Left.NeedsDocument || Right.NeedsDocument;

        public override bool UsesModSeq => Left.UsesModSeq || Right.UsesModSeq;

        public override bool Matches(SearchSubject subject) => Left.Matches(subject) || Right.Matches(subject);
    }

    private sealed record Flag(MessageFlags Which, bool Set) : SearchKey
    {
        public override bool Matches(SearchSubject subject) => ((subject.Entry.Flags & Which) != 0) == Set;
    }

    private sealed record Numbers(SequenceSet Set, bool ByUid) : SearchKey
    {
        public override bool Matches(SearchSubject subject) =>
            ByUid ? Set.Contains(subject.Entry.Uid, subject.LargestUid) : Set.Contains(subject.SequenceNumber, subject.Count);
    }

    private sealed record Size(long Bound, bool Larger) : SearchKey
    {
        public override bool Matches(SearchSubject subject) => Larger ? subject.Entry.Size > Bound : subject.Entry.Size < Bound;
    }

    private sealed record ModSeq(long AtLeast) : SearchKey
    {
        public override bool UsesModSeq => true;

        public override bool Matches(SearchSubject subject) => subject.Entry.ModSeq >= AtLeast;
    }

    // Dates compare as days, ignoring time and zone (RFC 3501 section 6.4.4).
    private sealed record Internal(DateOnly Day, int Direction) : SearchKey
    {
        public override bool Matches(SearchSubject subject) => Compare(DateOnly.FromDateTime(subject.Entry.Date.UtcDateTime), Day, Direction);
    }

    private sealed record Sent(DateOnly Day, int Direction) : SearchKey
    {
        public override bool NeedsDocument => true;

        public override bool Matches(SearchSubject subject) =>
            subject.SentDate is { } sent && Compare(DateOnly.FromDateTime(sent.DateTime), Day, Direction);
    }

    private static bool Compare(DateOnly day, DateOnly bound, int direction) => direction switch
    {
        < 0 => day < bound,
        0 => day == bound,
        _ => day >= bound,
    };

    private sealed record Header(string Name, string Value) : SearchKey
    {
        public override bool NeedsDocument => true;

        public override bool Matches(SearchSubject subject) => subject.HeaderContains(Name, Value);
    }

    private sealed record Text(string Value, bool WithHeader) : SearchKey
    {
        public override bool NeedsDocument => true;

        public override bool Matches(SearchSubject subject) =>
            (WithHeader && subject.AnyHeaderContains(Value)) || subject.BodyContains(Value);
    }
}

/// <summary>One message as SEARCH tests it: its entry and number, and its document when a criterion reads it.</summary>
internal sealed class SearchSubject
{
    private MimeKit.MimeMessage? _message;
    private MimeKit.HeaderList? _headers;
    private string? _bodyText;

    public FolderEntry Entry { get; private set; }

    public long SequenceNumber { get; private set; }

    public long Count { get; init; }

    public long LargestUid { get; init; }

    private byte[]? Document { get; set; }

    public void Reset(FolderEntry entry, long sequenceNumber, byte[]? document)
    {
        Entry = entry;
        SequenceNumber = sequenceNumber;
        Document = document;
        _message = null;
        _headers = null;
        _bodyText = null;
    }

    private MimeKit.HeaderList Headers
    {
        get
        {
            if (_headers is not null)
            {
                return _headers;
            }

            if (_message is not null)
            {
                return _headers = _message.Headers;
            }

            try
            {
                using var stream = new MemoryStream(Document ?? [], writable: false);
                _headers = MimeKit.HeaderList.Load(stream);
            }
            catch (FormatException)
            {
                _headers = [];
            }

            return _headers;
        }
    }

    private MimeKit.MimeMessage? Message
    {
        get
        {
            if (_message is null && Document is not null)
            {
                try
                {
                    using var stream = new MemoryStream(Document, writable: false);
                    _message = MimeKit.MimeMessage.Load(stream);
                }
                catch (FormatException)
                {
                    _message = null;
                }
            }

            return _message;
        }
    }

    public DateTimeOffset? SentDate =>
        Headers[MimeKit.HeaderId.Date] is { } date && MimeKit.Utils.DateUtils.TryParse(date, out var parsed) ? parsed : null;

    public bool HeaderContains(string name, string value)
    {
        foreach (var header in Headers)
        {
            // An empty string matches every message that has the field (RFC 3501, HEADER).
            if (string.Equals(header.Field, name, StringComparison.OrdinalIgnoreCase)
                && (value.Length == 0 || header.Value.Contains(value, StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }

        return false;
    }

    public bool AnyHeaderContains(string value)
    {
        foreach (var header in Headers)
        {
            if (header.Value.Contains(value, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    public bool BodyContains(string value)
    {
        if (_bodyText is null && IsAscii(value) && TryPlainBody(out var plain))
        {
            return ContainsIgnoringAsciiCase(plain, value);
        }

        _bodyText ??= BodyText();
        return _bodyText.Contains(value, StringComparison.OrdinalIgnoreCase);
    }

    // The body as stored when it is already the text a reader sees: one text/plain part, 7-bit or
    // 8-bit, ASCII or UTF-8. Most mail between people here is that, and it needs no MIME parse.
    private bool TryPlainBody(out ReadOnlySpan<byte> body)
    {
        body = default;
        var headers = Headers;
        string? type = headers[MimeKit.HeaderId.ContentType];
        string? encoding = headers[MimeKit.HeaderId.ContentTransferEncoding];
        if (type is not null)
        {
            if (!MimeKit.ContentType.TryParse(type, out var parsed) || !parsed.IsMimeType("text", "plain")
                || (parsed.Charset is { } charset && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("us-ascii", StringComparison.OrdinalIgnoreCase)))
            {
                return false;
            }
        }

        if (encoding is not null && encoding.Trim() is var e && !e.Equals("7bit", StringComparison.OrdinalIgnoreCase) && !e.Equals("8bit", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var document = Document.AsSpan();
        int end = document.IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            return false;
        }

        body = document[(end + 4)..];
        return true;
    }

    private static bool IsAscii(string text) => System.Text.Ascii.IsValid(text);

    // UTF-8 bytes never contain an ASCII byte inside a multi-byte character, so an ASCII needle is
    // found in them byte for byte.
    private static bool ContainsIgnoringAsciiCase(ReadOnlySpan<byte> haystack, string needle)
    {
        if (needle.Length == 0)
        {
            return true;
        }

        Span<byte> pattern = needle.Length <= 256 ? stackalloc byte[needle.Length] : new byte[needle.Length];
        System.Text.Encoding.ASCII.GetBytes(needle, pattern);
        byte lower = (byte)char.ToLowerInvariant(needle[0]);
        byte upper = (byte)char.ToUpperInvariant(needle[0]);
        int at = 0;
        while (at <= haystack.Length - pattern.Length)
        {
            int found = haystack[at..].IndexOfAny(lower, upper);
            if (found < 0 || at + found > haystack.Length - pattern.Length)
            {
                return false;
            }

            at += found;
            if (System.Text.Ascii.EqualsIgnoreCase(haystack.Slice(at, pattern.Length), pattern))
            {
                return true;
            }

            at++;
        }

        return false;
    }

    // The decoded text of every text part: what a person would call the message's words.
    private string BodyText()
    {
        if (Message is not { } message)
        {
            return System.Text.Encoding.UTF8.GetString(Document ?? []);
        }

        var text = new System.Text.StringBuilder();
        foreach (var part in message.BodyParts)
        {
            if (part is MimeKit.TextPart textPart)
            {
                text.Append(textPart.Text).Append('\n');
            }
        }

        return text.ToString();
    }
}
