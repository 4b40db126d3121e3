using Carteiro.Core.Errors;
using Carteiro.Core.Mailboxes;

namespace Carteiro.Protocols.Imap;

internal sealed partial class ImapSession
{
    // STORE set [(UNCHANGEDSINCE n)] (+|-)FLAGS[.SILENT] flags (RFC 3501 section 6.4.6, RFC 7162 section 3.1.3).
    private async Task StoreAsync(string tag, ImapArguments arguments, bool byUid)
    {
        var set = SequenceSet.Parse(arguments.RequiredWord("a sequence set"));
        long? unchangedSince = null;
        if (arguments.TryTake('('))
        {
            while (!arguments.TryTake(')'))
            {
                string modifier = arguments.RequiredWord("a STORE modifier").ToUpperInvariant();
                if (modifier != "UNCHANGEDSINCE")
                {
                    throw new ImapSyntaxException($"unknown STORE modifier {ImapArguments.Printable(modifier)}");
                }

                unchangedSince = arguments.Number("the UNCHANGEDSINCE modification sequence");
                _condStore = true;
            }
        }

        string action = arguments.RequiredWord("+FLAGS, -FLAGS or FLAGS").ToUpperInvariant();
        bool silent = action.EndsWith(".SILENT", StringComparison.Ordinal);
        string mode = silent ? action[..^7] : action;
        if (mode is not ("FLAGS" or "+FLAGS" or "-FLAGS"))
        {
            throw new ImapSyntaxException($"STORE takes FLAGS, +FLAGS or -FLAGS (optionally .SILENT), not {ImapArguments.Printable(action)}");
        }

        var flags = ImapFlags.Read(arguments);
        arguments.End();
        var selected = _selected!;
        if (selected.ReadOnly)
        {
            Tagged(tag, "NO [READ-ONLY] the mailbox was opened with EXAMINE");
            return;
        }

        if (byUid)
        {
            await SyncAsync(force: false).ConfigureAwait(false);
        }

        var indexes = selected.Resolve(set, byUid);
        const MessageFlags All = MessageFlags.Seen | MessageFlags.Answered | MessageFlags.Flagged | MessageFlags.Deleted | MessageFlags.Draft;
        var (add, remove) = mode switch
        {
            "+FLAGS" => (flags, MessageFlags.None),
            "-FLAGS" => (MessageFlags.None, flags),
            _ => (flags, All & ~flags),
        };

        var ids = new List<long>(indexes.Count);
        foreach (int index in indexes)
        {
            ids.Add(selected[index].Id);
        }

        var outcome = await Services.Mail.SetFlagsAsync(_account!, ids, add, remove, unchangedSince, Closing).ConfigureAwait(false);
        foreach (var changed in outcome.Changed)
        {
            int index = selected.IndexOfUid(changed.Uid);
            if (index >= 0)
            {
                selected.Update(index, changed.Flags, changed.ModSeq);
            }
        }

        var modified = new HashSet<long>(outcome.Modified);
        var changedIds = new HashSet<long>(outcome.Changed.Select(c => c.Id));
        foreach (int index in indexes)
        {
            if (modified.Contains(selected[index].Id))
            {
                continue;
            }

            // With .SILENT the client knows the flags it set; under CONDSTORE it still learns the
            // new modification sequence of what changed (RFC 7162 section 3.1.3).
            if (!silent || (_condStore && changedIds.Contains(selected[index].Id)))
            {
                WriteFlags(index, withUid: byUid);
            }
        }

        if (modified.Count > 0)
        {
            var numbers = indexes.Where(i => modified.Contains(selected[i].Id)).Select(i => byUid ? selected[i].Uid : i + 1L);
            Tagged(tag, $"OK [MODIFIED {SequenceSet.Format(numbers)}] conditional STORE completed");
            return;
        }

        Tagged(tag, byUid ? "OK UID STORE completed" : "OK STORE completed");
    }

    // COPY and MOVE (RFC 6851) with UIDPLUS's COPYUID (RFC 4315).
    private async Task CopyAsync(string tag, ImapArguments arguments, bool byUid, bool move)
    {
        var set = SequenceSet.Parse(arguments.RequiredWord("a sequence set"));
        string target = MailboxNames.ToFolder(arguments.AString("a mailbox name"));
        arguments.End();
        var selected = _selected!;
        if (move && selected.ReadOnly)
        {
            Tagged(tag, "NO [READ-ONLY] the mailbox was opened with EXAMINE");
            return;
        }

        if (byUid)
        {
            await SyncAsync(force: false).ConfigureAwait(false);
        }

        var indexes = selected.Resolve(set, byUid);
        var ids = indexes.Select(i => selected[i].Id).ToList();
        FolderInfo folder;
        try
        {
            folder = await Services.Mail.FolderAsync(_account!, target, Closing).ConfigureAwait(false);
        }
        catch (CarteiroException missing) when (missing.Code == ErrorCode.NoSuchFolder)
        {
            Tagged(tag, $"NO [TRYCREATE] no mailbox named {MailboxNames.ToMailbox(target)}");
            return;
        }

        string verb = (byUid ? "UID " : "") + (move ? "MOVE" : "COPY");
        if (ids.Count == 0)
        {
            Tagged(tag, $"OK {verb} completed (nothing to do)");
            return;
        }

        if (!move)
        {
            var copied = await Services.Mail.CopyAsync(_account!, ids, folder.Name, Closing).ConfigureAwait(false);
            await SyncAsync(force: false).ConfigureAwait(false);
            Tagged(tag, $"OK [COPYUID {copied.Target.UidValidity} {SequenceSet.Format(copied.Copies.Select(c => c.FromUid))} {SequenceSet.Format(copied.Copies.Select(c => c.Entry.Uid))}] {verb} completed");
            return;
        }

        var moves = await Services.Mail.MoveAsync(_account!, ids, folder.Name, Closing).ConfigureAwait(false);
        if (moves.Count > 0)
        {
            Reply($"* OK [COPYUID {folder.UidValidity} {SequenceSet.Format(moves.Select(m => m.FromUid))} {SequenceSet.Format(moves.Select(m => m.Entry.Uid))}] moved");
        }

        // The moved messages are expunged here and now (RFC 6851 section 3.3).
        ReportExpunged(moves.Select(m => m.FromUid));
        await SyncAsync(force: false).ConfigureAwait(false);
        Tagged(tag, $"OK {verb} completed");
    }

    // EXPUNGE, or UID EXPUNGE set (UIDPLUS): deletes for good what is marked \Deleted.
    private async Task ExpungeAsync(string tag, ImapArguments arguments, bool byUid)
    {
        SequenceSet? only = byUid ? SequenceSet.Parse(arguments.RequiredWord("a UID set")) : null;
        arguments.End();
        var selected = _selected!;
        if (selected.ReadOnly)
        {
            Tagged(tag, "NO [READ-ONLY] the mailbox was opened with EXAMINE");
            return;
        }

        var ids = new List<long>();
        for (int i = 0; i < selected.Count; i++)
        {
            var entry = selected[i];
            if ((entry.Flags & MessageFlags.Deleted) != 0 && (only is null || only.Contains(entry.Uid, selected.LargestUid)))
            {
                ids.Add(entry.Id);
            }
        }

        if (ids.Count > 0)
        {
            var removed = await Services.Mail.PurgeAsync(_account!, ids, Closing).ConfigureAwait(false);
            ReportExpunged(removed.Select(r => r.Uid));
        }

        await SyncAsync(force: false).ConfigureAwait(false);
        Tagged(tag, byUid ? "OK UID EXPUNGE completed" : "OK EXPUNGE completed");
    }

    // Takes entries this session removed out of its numbering and tells the client, highest
    // number first so that each number is still right when it is read.
    private void ReportExpunged(IEnumerable<long> uids)
    {
        var selected = _selected!;
        var indexes = uids.Select(selected.IndexOfUid).Where(i => i >= 0).OrderDescending().ToList();
        foreach (int index in indexes)
        {
            selected.RemoveAt(index);
            Output.Ascii("* ");
            Output.Number(index + 1);
            Output.Ascii(" EXPUNGE\r\n");
        }
    }
}
