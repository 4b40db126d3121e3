using System.Buffers;
using Carteiro.Core.Mailboxes;
using Carteiro.Protocols.Common;

namespace Carteiro.Protocols.Imap;

internal sealed partial class ImapSession
{
    // Documents are read and answered this many at a time: memory stays bounded on a large folder
    // and the client starts receiving before the last one is read.
    private const int FetchChunk = 256;

    // Answers are gathered up to about this much before they are copied to the pipe.
    private const int SpillAt = 32 * 1024;

    // Entries this FETCH marked \Seen: their answer carries the new FLAGS even when not asked.
    private readonly HashSet<int> _seenByThisFetch = [];

    private async Task FetchAsync(string tag, ImapArguments arguments, bool byUid)
    {
        var set = SequenceSet.Parse(arguments.RequiredWord("a sequence set"));
        var request = FetchRequest.Parse(arguments);
        if (request.ChangedSince is not null || request.Has(FetchRequest.Kind.ModSeq))
        {
            _condStore = true;
        }

        if (_condStore)
        {
            // Once CONDSTORE is on, every FETCH answer carries MODSEQ (RFC 7162 section 3.1.4).
            request.Ensure(FetchRequest.Kind.ModSeq);
        }

        if (byUid)
        {
            // Safe here: the client named messages by UID, so renumbering cannot mislead it.
            await SyncAsync(force: false).ConfigureAwait(false);
        }

        var selected = _selected!;
        var indexes = selected.Resolve(set, byUid);
        if (request.ChangedSince is long since)
        {
            indexes.RemoveAll(i => selected[i].ModSeq <= since);
        }

        _seenByThisFetch.Clear();
        if (request.SetsSeen && !selected.ReadOnly)
        {
            await MarkSeenAsync(indexes).ConfigureAwait(false);
        }

        using var answers = new PooledBufferWriter(64 * 1024);
        for (int start = 0; start < indexes.Count; start += FetchChunk)
        {
            int count = Math.Min(FetchChunk, indexes.Count - start);
            int first = start;
            var documents = request.NeedsDocument ? await DocumentsAsync(count, k => indexes[first + k]).ConfigureAwait(false) : null;

            for (int k = 0; k < count; k++)
            {
                WriteFetch(answers, indexes[start + k], request, byUid, documents?[k]);
                if (answers.WrittenCount >= SpillAt)
                {
                    Spill(answers);
                }
            }

            Spill(answers);
            await Output.FlushAsync(Closing).ConfigureAwait(false);
        }

        Tagged(tag, byUid ? "OK UID FETCH completed" : "OK FETCH completed");
    }

    /// <summary>The stored documents of <paramref name="count"/> selected entries, the k-th at index <paramref name="indexAt"/>(k).</summary>
    private Task<IReadOnlyList<byte[]?>> DocumentsAsync(int count, Func<int, int> indexAt)
    {
        var ids = new long[count];
        for (int k = 0; k < count; k++)
        {
            ids[k] = _selected![indexAt(k)].Id;
        }

        return Services.Mail.RawAsync(_account!, ids, Closing);
    }

    // A body fetched without PEEK is read: \Seen is set for all of them at once, before answering,
    // so the FLAGS in the answer are the new ones.
    private async Task MarkSeenAsync(List<int> indexes)
    {
        var selected = _selected!;
        var unseen = new List<long>();
        foreach (int index in indexes)
        {
            if ((selected[index].Flags & MessageFlags.Seen) == 0)
            {
                unseen.Add(selected[index].Id);
            }
        }

        if (unseen.Count == 0)
        {
            return;
        }

        var outcome = await Services.Mail.SetFlagsAsync(_account!, unseen, MessageFlags.Seen, MessageFlags.None, null, Closing).ConfigureAwait(false);
        foreach (var changed in outcome.Changed)
        {
            int index = selected.IndexOfUid(changed.Uid);
            if (index >= 0 && string.Equals(changed.Folder, selected.Folder, StringComparison.OrdinalIgnoreCase))
            {
                selected.Update(index, changed.Flags, changed.ModSeq);
                _seenByThisFetch.Add(index);
            }
        }
    }

    // Copies what is gathered to the connection's pipe in one write.
    private void Spill(PooledBufferWriter answers)
    {
        Output.Write(answers.WrittenSpan);
        answers.Clear();
    }

    private void WriteFetch(PooledBufferWriter output, int index, FetchRequest request, bool byUid, byte[]? document)
    {
        var entry = _selected![index];
        output.Ascii("* ");
        output.Number(index + 1);
        output.Ascii(" FETCH (");
        bool first = true;
        void Separate()
        {
            if (!first)
            {
                output.Byte((byte)' ');
            }

            first = false;
        }

        if (byUid && !request.Has(FetchRequest.Kind.Uid))
        {
            Separate();
            output.Ascii("UID ");
            output.Number(entry.Uid);
        }

        if (_seenByThisFetch.Remove(index) && !request.Has(FetchRequest.Kind.Flags))
        {
            Separate();
            output.Ascii("FLAGS ");
            ImapFlags.Write(output, entry.Flags);
        }

        ImapDocument? parsed = null;
        foreach (var item in request.Items)
        {
            Separate();
            switch (item.What)
            {
                case FetchRequest.Kind.Flags:
                    output.Ascii("FLAGS ");
                    ImapFlags.Write(output, entry.Flags);
                    break;
                case FetchRequest.Kind.Uid:
                    output.Ascii("UID ");
                    output.Number(entry.Uid);
                    break;
                case FetchRequest.Kind.InternalDate:
                    output.Ascii("INTERNALDATE ");
                    ImapDates.WriteDateTime(output, entry.Date);
                    break;
                case FetchRequest.Kind.Size:
                    output.Ascii("RFC822.SIZE ");
                    output.Number(document?.Length ?? entry.Size);
                    break;
                case FetchRequest.Kind.ModSeq:
                    output.Ascii("MODSEQ (");
                    output.Number(entry.ModSeq);
                    output.Ascii(")");
                    break;
                case FetchRequest.Kind.Envelope:
                    output.Ascii("ENVELOPE ");
                    ImapEnvelope.Write(output, document ?? []);
                    break;
                case FetchRequest.Kind.Body:
                    output.Ascii("BODY ");
                    (parsed ??= ImapDocument.Parse(document ?? [])).WriteBodyStructure(output, extended: false);
                    break;
                case FetchRequest.Kind.BodyStructure:
                    output.Ascii("BODYSTRUCTURE ");
                    (parsed ??= ImapDocument.Parse(document ?? [])).WriteBodyStructure(output, extended: true);
                    break;
                case FetchRequest.Kind.Section:
                    output.Ascii(item.Name);
                    output.Byte((byte)' ');
                    WriteSection(output, item, document ?? [], ref parsed);
                    break;
            }
        }

        output.Ascii(")\r\n");
    }

    private void WriteSection(PooledBufferWriter output, FetchRequest.Item item, byte[] document, ref ImapDocument? parsed)
    {
        ReadOnlyMemory<byte> bytes;
        if (item.Section!.IsWholeMessage)
        {
            bytes = document;
        }
        else if (!(parsed ??= ImapDocument.Parse(document)).TryGetSection(item.Section, out bytes))
        {
            // A part that does not exist reads as empty, as in Dovecot.
            bytes = ReadOnlyMemory<byte>.Empty;
        }

        if (item.PartialStart >= 0)
        {
            long start = Math.Min(item.PartialStart, bytes.Length);
            long length = Math.Min(item.PartialLength, bytes.Length - start);
            bytes = bytes.Slice((int)start, (int)length);
        }

        if (bytes.Length < SpillAt)
        {
            output.Literal(bytes.Span);
            return;
        }

        // A large body goes to the pipe as it lies, not through the gathering buffer.
        output.LiteralHeader(bytes.Length);
        Spill(output);
        Output.Write(bytes.Span);
    }
}
