using System.Buffers;
using System.Globalization;

namespace Carteiro.Protocols.Imap;

/// <summary>IMAP's date forms (RFC 3501 section 9): <c>date-time</c> for INTERNALDATE and APPEND, <c>date</c> for SEARCH.</summary>
internal static class ImapDates
{
    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    /// <summary>Writes <c>"25-Nov-2026 17:08:57 +0000"</c>.</summary>
    public static void WriteDateTime(IBufferWriter<byte> writer, DateTimeOffset date)
    {
        var utc = date.ToUniversalTime();
        writer.Ascii(string.Create(CultureInfo.InvariantCulture,
            $"\"{utc.Day,2}-{Months[utc.Month - 1]}-{utc.Year:D4} {utc.Hour:D2}:{utc.Minute:D2}:{utc.Second:D2} +0000\""));
    }

    /// <summary>Reads a <c>date-time</c> (APPEND).</summary>
    public static DateTimeOffset ParseDateTime(string text)
    {
        string trimmed = text.Trim();
        if (DateTimeOffset.TryParseExact(trimmed, ["d-MMM-yyyy HH:mm:ss zzz", "dd-MMM-yyyy HH:mm:ss zzz"], CultureInfo.InvariantCulture,
                DateTimeStyles.AllowLeadingWhite, out var parsed))
        {
            return parsed;
        }

        // .NET's zzz wants a colon in the offset; IMAP's has none.
        if (trimmed.Length > 5 && trimmed[^5] is '+' or '-')
        {
            string withColon = trimmed[..^2] + ":" + trimmed[^2..];
            if (DateTimeOffset.TryParseExact(withColon, ["d-MMM-yyyy HH:mm:ss zzz", "dd-MMM-yyyy HH:mm:ss zzz"], CultureInfo.InvariantCulture,
                    DateTimeStyles.AllowLeadingWhite, out parsed))
            {
                return parsed;
            }
        }

        throw new ImapSyntaxException($"'{ImapArguments.Printable(text)}' is not a date-time like \"25-Nov-2026 17:08:57 +0000\"");
    }

    /// <summary>Reads a <c>date</c> (SEARCH BEFORE/ON/SINCE), a day without time or zone.</summary>
    public static DateOnly ParseDate(string text)
    {
        if (DateOnly.TryParseExact(text.Trim('"'), ["d-MMM-yyyy", "dd-MMM-yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return day;
        }

        throw new ImapSyntaxException($"'{ImapArguments.Printable(text)}' is not a date like 25-Nov-2026");
    }
}
