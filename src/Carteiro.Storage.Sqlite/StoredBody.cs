using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Unicode;
using Carteiro.Core.Messages;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Carteiro.Storage.Sqlite;

/// <summary>
/// What goes in <c>messages.body</c>: the message's text, or, when that text can be read off the
/// stored document (a plain-text part that is the document's tail, as most mail and every
/// single-part native send is), a marker saying where. Large messages were otherwise kept twice,
/// once as text and once inside the document, and the second copy was half of what every such
/// send wrote to the log and then to the database.
/// <para>
/// The marker is a BLOB (the column is TEXT, so no text is ever taken for one). Decimal digits
/// <c>X</c> mean the text is the document from byte X to its end, each CRLF read as LF; <c>-X</c>
/// the same without the document's final CRLF (a composed document ends every line, the typed
/// text need not). <c>qX</c> and <c>q-X</c> mean the same of the tail's quoted-printable decoding
/// (<see cref="QuotedPrintable"/>), read by the <c>carteiro_quoted_text</c> function that
/// <see cref="Register"/> adds to a connection: the native door writes a text that way when a line
/// is longer than 998 characters or any character is not ASCII. A marker is only written after reading the
/// document that way gave exactly the text (<see cref="For"/>), or for a text known to be the
/// document's tail since it was found there (<see cref="At"/>), so what is read back is what was
/// given.
/// </para>
/// </summary>
internal static class StoredBody
{
    // The two kinds of marker, read as text with the line breaks as the document has them.
    private const string ToTheEnd = "CAST(substr(m.mime, CAST(m.body AS INTEGER) + 1) AS TEXT)";
    private const string ToTheFinalLineBreak = "CAST(substr(m.mime, 1 - CAST(m.body AS INTEGER), length(m.mime) + CAST(m.body AS INTEGER) - 2) AS TEXT)";
    private const string CrlfAsLf = ", char(13, 10), char(10))";

    // A quoted-printable marker starts with 'q' (0x71); the SQL function reads its text.
    private const byte QuotedMark = (byte)'q';
    private const string QuotedTextFunction = "carteiro_quoted_text";
    private const string IsQuoted = "substr(m.body, 1, 1) = X'71'";
    private const string Quoted = QuotedTextFunction + "(m.mime, m.body)";

    // One delegate for every connection: SQLite keeps calling it as long as any of them lives.
    private static readonly delegate_function_scalar s_quotedText = QuotedText;

    /// <summary>The message's text in a query over <c>messages m</c>, whichever way it is stored.</summary>
    public const string Column =
        "(CASE WHEN typeof(m.body) <> 'blob' THEN m.body " +
        "WHEN " + IsQuoted + " THEN " + Quoted + " " +
        "WHEN CAST(m.body AS INTEGER) >= 0 THEN replace(" + ToTheEnd + CrlfAsLf + " " +
        "ELSE replace(" + ToTheFinalLineBreak + CrlfAsLf + " END)";

    /// <summary>
    /// What the full-text index reads for a message: its text, except that line breaks may stay
    /// CRLF. The tokenizer takes CR and LF alike for separators, so the words are the same as
    /// <see cref="Column"/>'s, without SQL's replace() over the whole text (3% of the writer's
    /// time for 64 KiB messages). Indexing and taking out of the index must both read this.
    /// </summary>
    public const string ForIndex =
        "(CASE WHEN typeof(m.body) <> 'blob' THEN m.body " +
        "WHEN " + IsQuoted + " THEN " + Quoted + " " +
        "WHEN CAST(m.body AS INTEGER) >= 0 THEN " + ToTheEnd + " " +
        "ELSE " + ToTheFinalLineBreak + " END)";

    /// <summary>The value to store for <paramref name="body"/>, kept beside <paramref name="document"/>.</summary>
    /// <remarks>
    /// Runs on the writer, once per message: one pass over the text (and, should the document hold
    /// it quoted-printable, one over its decoding).
    /// </remarks>
    public static object For(string body, ReadOnlySpan<byte> document)
    {
        // Every character of the text takes at least one byte of the document, so a text longer
        // than the document is not in it.
        if (body.Length == 0 || body.Length > document.Length)
        {
            return body;
        }

        int start = TextStart(document);
        if (start < 0)
        {
            return body;
        }

        // No separate UTF-8 check: the comparison below accepts only bytes that are the text's own
        // UTF-8, line breaks and a final CRLF. A NUL would be compared as well, but SQLite's text
        // functions may stop at one, so such a text is kept as it was given.
        var tail = document[start..];
        if (tail.Contains((byte)0))
        {
            return body;
        }

        var rest = tail;
        if (Reads(ref rest, body) && MarkerIfWhole(rest, start, quoted: false) is { } marker)
        {
            return marker;
        }

        return tail.Contains((byte)'=') ? ForQuoted(body, tail, start) : body;
    }

    // The marker when the tail's quoted-printable decoding reads as the text; otherwise the text.
    // Decoding only ever shortens, so the tail's length is room enough.
    private static object ForQuoted(string body, ReadOnlySpan<byte> tail, int start)
    {
        byte[] decoded = ArrayPool<byte>.Shared.Rent(tail.Length);
        try
        {
            ReadOnlySpan<byte> rest = decoded.AsSpan(0, QuotedPrintable.Decode(tail, decoded));
            return !rest.Contains((byte)0) && Reads(ref rest, body) && MarkerIfWhole(rest, start, quoted: true) is { } marker
                ? marker
                : body;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(decoded);
        }
    }

    // After the text has been read off the tail that starts at start: its marker when nothing is
    // left, or only the document's final CRLF; null when the tail holds more than the text.
    private static byte[]? MarkerIfWhole(ReadOnlySpan<byte> rest, int start, bool quoted) =>
        rest.IsEmpty ? Marker(start, quoted) : rest.SequenceEqual("\r\n"u8) ? Marker(-start, quoted) : null;

    /// <summary>The marker for a text that is the document from byte <paramref name="start"/> to its end (<see cref="MessageText.InDocument"/>).</summary>
    public static byte[] At(int start) => Marker(start);

    // Where the header ends: after the first empty line.
    private static int TextStart(ReadOnlySpan<byte> document)
    {
        int crlf = document.IndexOf("\r\n\r\n"u8);
        int lf = document.IndexOf("\n\n"u8);
        return crlf >= 0 && (lf < 0 || crlf < lf) ? crlf + 4 : lf >= 0 ? lf + 2 : -1;
    }

    // True when the start of the bytes, read as SQL's replace(…, CRLF, LF) reads them, is exactly
    // the text; the bytes are advanced past it. The text is encoded a chunk at a time and each run
    // between line breaks compared as a whole.
    private static bool Reads(ref ReadOnlySpan<byte> bytes, ReadOnlySpan<char> text)
    {
        Span<byte> chunk = stackalloc byte[2048];
        while (!text.IsEmpty)
        {
            // A chunk that fills up ends before a character that no longer fits (a surrogate pair
            // is never split); the next round goes on from there.
            var status = Utf8.FromUtf16(text, chunk, out int read, out int written, replaceInvalidSequences: false);
            if (status == OperationStatus.InvalidData || read == 0)
            {
                // A lone surrogate would be stored as U+FFFD: such text is kept as it was given.
                return false;
            }

            text = text[read..];
            var expected = chunk[..written];
            while (true)
            {
                int lf = expected.IndexOf((byte)'\n');
                var run = lf < 0 ? expected : expected[..lf];
                if (!bytes.StartsWith(run))
                {
                    return false;
                }

                bytes = bytes[run.Length..];

                // A CR the text has just before an LF of the document would be read as part of a
                // line break, not as itself.
                if (run.Length > 0 && run[^1] == (byte)'\r' && bytes.StartsWith("\n"u8))
                {
                    return false;
                }

                if (lf < 0)
                {
                    break;
                }

                // The text's line break: the document's CRLF, or a bare LF.
                int lineBreak = bytes.StartsWith("\r\n"u8) ? 2 : bytes.StartsWith("\n"u8) ? 1 : 0;
                if (lineBreak == 0)
                {
                    return false;
                }

                bytes = bytes[lineBreak..];
                expected = expected[(lf + 1)..];
            }
        }

        return true;
    }

    private static byte[] Marker(int value, bool quoted = false) =>
        Encoding.ASCII.GetBytes(quoted
            ? string.Create(CultureInfo.InvariantCulture, $"{(char)QuotedMark}{value}")
            : value.ToString(CultureInfo.InvariantCulture));

    /// <summary>Adds the function that <see cref="Column"/> and <see cref="ForIndex"/> call to <paramref name="connection"/>.</summary>
    public static void Register(SqliteConnection connection)
    {
        int result = raw.sqlite3_create_function(
            connection.Handle, QuotedTextFunction, 2, raw.SQLITE_UTF8 | raw.SQLITE_DETERMINISTIC, null, s_quotedText);
        if (result != raw.SQLITE_OK)
        {
            throw new InvalidOperationException($"SQLite refused the function {QuotedTextFunction}: {raw.sqlite3_errstr(result).utf8_to_string()}");
        }
    }

    // carteiro_quoted_text(document, marker): the text a quoted-printable marker stands for,
    // each CRLF read as LF, without the final CRLF for a negative place.
    private static void QuotedText(sqlite3_context context, object userData, sqlite3_value[] arguments)
    {
        // Nothing may be thrown back into SQLite: a marker that cannot be read is an SQL error.
        try
        {
            var document = raw.sqlite3_value_blob(arguments[0]);
            var marker = raw.sqlite3_value_blob(arguments[1]);
            if (marker.Length < 2 || marker[0] != QuotedMark
                || !int.TryParse(marker[1..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int place)
                || place == int.MinValue || Math.Abs(place) > document.Length)
            {
                raw.sqlite3_result_error(context, QuotedTextFunction + ": not a quoted-printable marker for this document");
                return;
            }

            var tail = document[Math.Abs(place)..];
            byte[] decoded = ArrayPool<byte>.Shared.Rent(Math.Max(tail.Length, 1));
            try
            {
                int length = QuotedPrintable.Decode(tail, decoded);
                if (place < 0)
                {
                    length = Math.Max(length - 2, 0);
                }

                raw.sqlite3_result_text(context, decoded.AsSpan(0, WithoutCarriageReturns(decoded.AsSpan(0, length))));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(decoded);
            }
        }
        catch (Exception error)
        {
            raw.sqlite3_result_error(context, QuotedTextFunction + ": " + error.Message);
        }
    }

    // Rewrites each CRLF as LF in place, as SQL's replace() reads it; returns the new length.
    private static int WithoutCarriageReturns(Span<byte> bytes)
    {
        int at = bytes.IndexOf("\r\n"u8);
        if (at < 0)
        {
            return bytes.Length;
        }

        int written = at;
        int read = at;
        while (read < bytes.Length)
        {
            int next = bytes[(read + 1)..].IndexOf("\r\n"u8);
            // Skip the CR of the CRLF at read, then copy up to the next CRLF's CR (or the end).
            int end = next < 0 ? bytes.Length : read + 1 + next;
            bytes[(read + 1)..end].CopyTo(bytes[written..]);
            written += end - read - 1;
            read = end;
        }

        return written;
    }
}
