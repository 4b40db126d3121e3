namespace Carteiro.Protocols.Imap;

/// <summary>
/// What a FETCH asks for (RFC 3501 section 6.4.5, RFC 7162 MODSEQ and CHANGEDSINCE), in the order
/// asked: the macros ALL, FAST and FULL are expanded, RFC822.* forms become the body sections they
/// stand for.
/// </summary>
internal sealed class FetchRequest
{
    /// <summary>One item of the answer.</summary>
    public enum Kind
    {
        Flags,
        Uid,
        InternalDate,
        Size,
        Envelope,
        Body,
        BodyStructure,
        ModSeq,
        Section,
    }

    /// <summary>One item: a <see cref="Kind.Section"/> carries its section, name and range.</summary>
    public sealed record Item(Kind What, BodySection? Section = null, string Name = "", bool Peek = true, long PartialStart = -1, long PartialLength = -1);

    public List<Item> Items { get; } = [];

    /// <summary>CHANGEDSINCE: only messages changed after this modification sequence.</summary>
    public long? ChangedSince { get; private set; }

    /// <summary>True when any item needs the stored document.</summary>
    public bool NeedsDocument => Items.Exists(i => i.What is Kind.Envelope or Kind.Body or Kind.BodyStructure or Kind.Section);

    /// <summary>True when any item needs the document parsed beyond its header.</summary>
    public bool NeedsStructure => Items.Exists(i => i.What is Kind.Body or Kind.BodyStructure or Kind.Section);

    /// <summary>True when the fetch reads a body without PEEK and so sets \Seen.</summary>
    public bool SetsSeen => Items.Exists(i => i.What == Kind.Section && !i.Peek);

    public bool Has(Kind kind) => Items.Exists(i => i.What == kind);

    /// <summary>Asks for <paramref name="kind"/> too (at the end) unless it is asked for already.</summary>
    public void Ensure(Kind kind)
    {
        if (!Has(kind))
        {
            Items.Add(new Item(kind));
        }
    }

    public static FetchRequest Parse(ImapArguments arguments)
    {
        var request = new FetchRequest();
        if (arguments.TryTake('('))
        {
            while (!arguments.TryTake(')'))
            {
                if (arguments.AtEnd)
                {
                    throw new ImapSyntaxException("the list of fetch items is not closed");
                }

                request.Add(arguments.FetchAttribute(), allowMacro: false);
            }
        }
        else
        {
            request.Add(arguments.FetchAttribute(), allowMacro: true);
        }

        if (arguments.TryTake('('))
        {
            while (!arguments.TryTake(')'))
            {
                string modifier = arguments.RequiredWord("a FETCH modifier").ToUpperInvariant();
                if (modifier != "CHANGEDSINCE")
                {
                    throw new ImapSyntaxException($"unknown FETCH modifier {ImapArguments.Printable(modifier)}");
                }

                request.ChangedSince = arguments.Number("the CHANGEDSINCE modification sequence");
                request.Ensure(Kind.ModSeq);
            }
        }

        arguments.End();
        return request.Items.Count > 0 ? request : throw new ImapSyntaxException("FETCH needs at least one item");
    }

    private void Add(string attribute, bool allowMacro)
    {
        string upper = attribute.ToUpperInvariant();
        switch (upper)
        {
            case "ALL" when allowMacro:
                Items.AddRange([new(Kind.Flags), new(Kind.InternalDate), new(Kind.Size), new(Kind.Envelope)]);
                return;
            case "FAST" when allowMacro:
                Items.AddRange([new(Kind.Flags), new(Kind.InternalDate), new(Kind.Size)]);
                return;
            case "FULL" when allowMacro:
                Items.AddRange([new(Kind.Flags), new(Kind.InternalDate), new(Kind.Size), new(Kind.Envelope), new(Kind.Body)]);
                return;
            case "FLAGS":
                Items.Add(new(Kind.Flags));
                return;
            case "UID":
                Items.Add(new(Kind.Uid));
                return;
            case "INTERNALDATE":
                Items.Add(new(Kind.InternalDate));
                return;
            case "RFC822.SIZE":
                Items.Add(new(Kind.Size));
                return;
            case "ENVELOPE":
                Items.Add(new(Kind.Envelope));
                return;
            case "BODY":
                Items.Add(new(Kind.Body));
                return;
            case "BODYSTRUCTURE":
                Items.Add(new(Kind.BodyStructure));
                return;
            case "MODSEQ":
                Items.Add(new(Kind.ModSeq));
                return;
            case "RFC822":
                Items.Add(new(Kind.Section, Section(""), "RFC822", Peek: false));
                return;
            case "RFC822.HEADER":
                Items.Add(new(Kind.Section, Section("HEADER"), "RFC822.HEADER", Peek: true));
                return;
            case "RFC822.TEXT":
                Items.Add(new(Kind.Section, Section("TEXT"), "RFC822.TEXT", Peek: false));
                return;
        }

        bool peek = upper.StartsWith("BODY.PEEK[", StringComparison.Ordinal);
        if (!peek && !upper.StartsWith("BODY[", StringComparison.Ordinal))
        {
            throw new ImapSyntaxException($"unknown fetch item {ImapArguments.Printable(attribute)}");
        }

        int open = attribute.IndexOf('[', StringComparison.Ordinal);
        int close = attribute.LastIndexOf(']');
        string spec = attribute[(open + 1)..close];
        string partial = attribute[(close + 1)..];
        long start = -1;
        long length = -1;
        if (partial.Length > 0)
        {
            // <start.length>: the answer names only <start> (RFC 3501 section 7.4.2).
            int dot = partial.IndexOf('.', StringComparison.Ordinal);
            if (!partial.StartsWith('<') || !partial.EndsWith('>') || dot < 0
                || !long.TryParse(partial.AsSpan(1, dot - 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out start)
                || !long.TryParse(partial.AsSpan(dot + 1, partial.Length - dot - 2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out length)
                || length == 0)
            {
                throw new ImapSyntaxException($"'{ImapArguments.Printable(partial)}' is not a partial range like <0.1024>");
            }
        }

        string name = "BODY[" + spec + "]" + (start >= 0 ? "<" + start.ToString(System.Globalization.CultureInfo.InvariantCulture) + ">" : "");
        Items.Add(new(Kind.Section, Section(spec), name, peek, start, length));
    }

    private static BodySection Section(string spec) =>
        BodySection.TryParse(spec, out var section, out string error) ? section : throw new ImapSyntaxException(error);
}
