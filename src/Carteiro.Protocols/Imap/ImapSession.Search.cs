using System.Buffers;
using Carteiro.Protocols.Common;

namespace Carteiro.Protocols.Imap;

internal sealed partial class ImapSession
{
    private const int SearchChunk = 256;

    // SEARCH [CHARSET name] criteria (RFC 3501 section 6.4.4): answers with sequence numbers, or UIDs for UID SEARCH.
    private async Task SearchAsync(string tag, ImapArguments arguments, bool byUid)
    {
        SearchKey key = ParseSearch(arguments, tag, out bool refused);
        if (refused)
        {
            return;
        }

        if (key.UsesModSeq)
        {
            _condStore = true;
        }

        if (byUid)
        {
            await SyncAsync(force: false).ConfigureAwait(false);
        }

        var selected = _selected!;
        var subject = new SearchSubject { Count = selected.Count, LargestUid = selected.LargestUid };
        var found = new List<int>();
        for (int start = 0; start < selected.Count; start += SearchChunk)
        {
            int count = Math.Min(SearchChunk, selected.Count - start);
            int first = start;
            var documents = key.NeedsDocument ? await DocumentsAsync(count, k => first + k).ConfigureAwait(false) : null;

            for (int k = 0; k < count; k++)
            {
                subject.Reset(selected[start + k], start + k + 1, documents?[k]);
                if (key.Matches(subject))
                {
                    found.Add(start + k);
                }
            }
        }

        // Gathered first: a search over a large folder answers with thousands of numbers.
        using var answer = new PooledBufferWriter(Math.Min(16 + found.Count * 8, 1 << 20));
        answer.Ascii("* SEARCH");
        long highest = 0;
        foreach (int index in found)
        {
            answer.Byte((byte)' ');
            answer.Number(byUid ? selected[index].Uid : index + 1);
            highest = Math.Max(highest, selected[index].ModSeq);
        }

        if (key.UsesModSeq && found.Count > 0)
        {
            answer.Ascii(" (MODSEQ ");
            answer.Number(highest);
            answer.Ascii(")");
        }

        answer.Crlf();
        Output.Write(answer.WrittenSpan);
        Tagged(tag, byUid ? "OK UID SEARCH completed" : "OK SEARCH completed");
    }

    private SearchKey ParseSearch(ImapArguments arguments, string tag, out bool refused)
    {
        refused = false;
        var start = arguments.Position;
        if (string.Equals(arguments.Word(), "CHARSET", StringComparison.OrdinalIgnoreCase))
        {
            string charset = arguments.AString("a charset");
            if (!charset.Equals("UTF-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("US-ASCII", StringComparison.OrdinalIgnoreCase))
            {
                Tagged(tag, "NO [BADCHARSET (UTF-8 US-ASCII)] only UTF-8 and US-ASCII are understood");
                refused = true;
                return null!;
            }
        }
        else
        {
            // The first word was a criterion: read it again.
            arguments.Position = start;
        }

        return SearchKey.ParseAll(arguments);
    }
}
