namespace Carteiro.Protocols.Imap;

/// <summary>
/// A sequence set (RFC 3501 section 9: <c>1,3:5,7:*</c>) of message numbers or UIDs, kept as
/// ranges; <c>*</c> stands for the largest number in use, resolved when matching. <c>$</c> (the
/// saved search result) is not offered.
/// </summary>
internal sealed class SequenceSet
{
    private const long Star = long.MaxValue;
    private readonly (long From, long To)[] _ranges;

    private SequenceSet((long From, long To)[] ranges) => _ranges = ranges;

    /// <summary>Parses a sequence set; throws <see cref="ImapSyntaxException"/> when it is not one.</summary>
    public static SequenceSet Parse(string text)
    {
        if (text.Length == 0)
        {
            throw new ImapSyntaxException("a sequence set is expected");
        }

        var ranges = new List<(long, long)>();
        foreach (var part in text.Split(','))
        {
            int colon = part.IndexOf(':', StringComparison.Ordinal);
            long from = Value(colon < 0 ? part : part[..colon], text);
            long to = colon < 0 ? from : Value(part[(colon + 1)..], text);
            ranges.Add(from <= to ? (from, to) : (to, from));
        }

        return new SequenceSet([.. ranges]);
    }

    /// <summary>True when <paramref name="text"/> looks like a sequence set (search keys start with letters).</summary>
    public static bool LooksLikeOne(string text) => text.Length > 0 && (char.IsAsciiDigit(text[0]) || text[0] == '*');

    private static long Value(string text, string whole)
    {
        if (text == "*")
        {
            return Star;
        }

        if (!long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long value) || value is 0 or > uint.MaxValue)
        {
            throw new ImapSyntaxException($"'{ImapArguments.Printable(whole)}' is not a sequence set");
        }

        return value;
    }

    /// <summary>True when <paramref name="number"/> is in the set, <c>*</c> being <paramref name="largest"/>.</summary>
    public bool Contains(long number, long largest)
    {
        foreach (var (from, to) in _ranges)
        {
            long low = from == Star ? largest : from;
            long high = to == Star ? largest : to;
            if (low > high)
            {
                (low, high) = (high, low);
            }

            if (number >= low && number <= high)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The ranges with <c>*</c> replaced by <paramref name="largest"/>, low to high.</summary>
    public IEnumerable<(long From, long To)> Resolve(long largest)
    {
        foreach (var (from, to) in _ranges)
        {
            long low = from == Star ? largest : from;
            long high = to == Star ? largest : to;
            yield return low <= high ? (low, high) : (high, low);
        }
    }

    /// <summary>Writes numbers compactly as a sequence set: <c>1:3,7</c>.</summary>
    public static string Format(IEnumerable<long> numbers)
    {
        var text = new System.Text.StringBuilder();
        long start = -1;
        long last = -1;
        foreach (long n in numbers)
        {
            if (start < 0)
            {
                start = last = n;
                continue;
            }

            if (n == last + 1)
            {
                last = n;
                continue;
            }

            Append(text, start, last);
            start = last = n;
        }

        if (start >= 0)
        {
            Append(text, start, last);
        }

        return text.ToString();
    }

    private static void Append(System.Text.StringBuilder text, long start, long last)
    {
        if (text.Length > 0)
        {
            text.Append(',');
        }

        text.Append(start);
        if (last != start)
        {
            text.Append(':').Append(last);
        }
    }
}
