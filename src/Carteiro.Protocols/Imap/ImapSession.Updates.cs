using System.Buffers;

namespace Carteiro.Protocols.Imap;

internal sealed partial class ImapSession
{
    // Set while IDLE runs: the tag its completion answers.
    private volatile string? _idleTag;

    private void WriteUntagged(Action<IBufferWriter<byte>> write)
    {
        write(Output);
        Output.Crlf();
    }

    /// <summary>
    /// Tells the client what changed in the selected mailbox since it was last told: expunges,
    /// flag changes, new messages. Asks the store only when the hub said something changed, or
    /// when <paramref name="force"/> (NOOP, CHECK, IDLE: a client polling for news also gets what
    /// another server node sharing the store did).
    /// </summary>
    private async Task SyncAsync(bool force)
    {
        if (_selected is not { } selected || (!force && !selected.Stale))
        {
            return;
        }

        selected.Stale = false;
        Core.Storage.FolderChanges changes;
        try
        {
            changes = await Services.Mail.ChangesSinceAsync(_account!, selected.Folder, selected.KnownModSeq, Closing).ConfigureAwait(false);
        }
        catch (Core.Errors.CarteiroException gone) when (gone.Code == Core.Errors.ErrorCode.NoSuchFolder)
        {
            // Deleted or renamed by another session: there is nothing left to number (RFC 3501 section 7.1.5).
            _selected = null;
            Reply("* BYE the selected mailbox was deleted or renamed elsewhere");
            CloseReason = "mailbox-gone";
            return;
        }

        var result = selected.Apply(changes);
        foreach (int sequence in result.ExpungedSequenceNumbers)
        {
            Output.Ascii("* ");
            Output.Number(sequence);
            Output.Ascii(" EXPUNGE\r\n");
        }

        foreach (int index in result.FlagChanges)
        {
            WriteFlags(index, withUid: true);
        }

        if (result.Exists >= 0)
        {
            Output.Ascii("* ");
            Output.Number(result.Exists);
            Output.Ascii(" EXISTS\r\n");
        }
    }

    /// <summary>Writes <c>* n FETCH (FLAGS (...) UID u MODSEQ (m))</c> for the entry at <paramref name="index"/>.</summary>
    private void WriteFlags(int index, bool withUid)
    {
        var entry = _selected![index];
        Output.Ascii("* ");
        Output.Number(index + 1);
        Output.Ascii(" FETCH (FLAGS ");
        ImapFlags.Write(Output, entry.Flags);
        if (withUid)
        {
            Output.Ascii(" UID ");
            Output.Number(entry.Uid);
        }

        if (_condStore)
        {
            Output.Ascii(" MODSEQ (");
            Output.Number(entry.ModSeq);
            Output.Ascii(")");
        }

        Output.Ascii(")\r\n");
    }

    private async Task SyncThenAsync(string tag, string answer, bool force)
    {
        await SyncAsync(force).ConfigureAwait(false);
        Tagged(tag, answer);
    }

    // IDLE (RFC 2177): news is written as it happens until the client says DONE.
    private async Task StartIdleAsync(string tag)
    {
        // Idling first, then looking: news that comes in between wakes the reader or is found here.
        _idleTag = tag;
        await SyncAsync(force: true).ConfigureAwait(false);
        Reply("+ idling");
    }

    protected override async Task OnWokenAsync()
    {
        if (_idleTag is not null)
        {
            await SyncAsync(force: false).ConfigureAwait(false);
        }
    }

    private async Task EndIdleAsync(string line)
    {
        string tag = _idleTag!;
        _idleTag = null;
        if (!string.Equals(line.Trim(), "DONE", StringComparison.OrdinalIgnoreCase))
        {
            Tagged(tag, $"BAD IDLE ends with DONE, not '{ImapArguments.Printable(line)}'", error: true);
            return;
        }

        await SyncAsync(force: false).ConfigureAwait(false);
        Tagged(tag, "OK IDLE terminated");
    }
}
