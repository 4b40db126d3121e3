using System.Globalization;
using Carteiro.Core.Errors;
using Carteiro.Core.Mailboxes;

namespace Carteiro.Protocols.Imap;

internal sealed partial class ImapSession
{
    private async Task SelectAsync(string tag, ImapArguments arguments, bool readOnly)
    {
        string folderName = MailboxNames.ToFolder(arguments.AString("a mailbox name"));
        if (arguments.TryTake('('))
        {
            // SELECT (CONDSTORE) turns CONDSTORE on (RFC 7162 section 3.1.8).
            while (!arguments.TryTake(')'))
            {
                string parameter = arguments.RequiredWord("a SELECT parameter").ToUpperInvariant();
                if (parameter != "CONDSTORE")
                {
                    throw new ImapSyntaxException($"unknown SELECT parameter {ImapArguments.Printable(parameter)}");
                }

                _condStore = true;
            }
        }

        arguments.End();

        // A failed SELECT leaves no mailbox selected (RFC 3501 section 6.3.1).
        _selected = null;
        var whole = await Services.Mail.ChangesSinceAsync(_account!, folderName, 0, Closing).ConfigureAwait(false);
        var selected = new SelectedFolder(whole, readOnly);
        Reply(@"* FLAGS (\Answered \Flagged \Deleted \Seen \Draft)");
        Reply(readOnly ? "* OK [PERMANENTFLAGS ()] read-only" : $"* OK [PERMANENTFLAGS ({ImapFlags.Permanent})] flags kept");
        Reply(Invariant($"* {selected.Count} EXISTS"));
        Reply("* 0 RECENT");
        for (int i = 0; i < selected.Count; i++)
        {
            if ((selected[i].Flags & MessageFlags.Seen) == 0)
            {
                Reply(Invariant($"* OK [UNSEEN {i + 1}] first unseen"));
                break;
            }
        }

        Reply(Invariant($"* OK [UIDVALIDITY {selected.UidValidity}] UIDs valid"));
        Reply(Invariant($"* OK [UIDNEXT {selected.UidNext}] predicted next UID"));
        Reply(Invariant($"* OK [HIGHESTMODSEQ {Math.Max(1, selected.KnownModSeq)}] highest"));
        _selected = selected;
        Tagged(tag, readOnly ? "OK [READ-ONLY] EXAMINE completed" : "OK [READ-WRITE] SELECT completed");
    }

    private async Task CloseMailboxAsync(string tag, bool expunge)
    {
        var selected = _selected!;
        if (expunge && !selected.ReadOnly)
        {
            // CLOSE expunges without telling (RFC 3501 section 6.4.2).
            var deleted = new List<long>();
            for (int i = 0; i < selected.Count; i++)
            {
                if ((selected[i].Flags & MessageFlags.Deleted) != 0)
                {
                    deleted.Add(selected[i].Id);
                }
            }

            if (deleted.Count > 0)
            {
                await Services.Mail.PurgeAsync(_account!, deleted, Closing).ConfigureAwait(false);
            }
        }

        _selected = null;
        Tagged(tag, expunge ? "OK CLOSE completed" : "OK UNSELECT completed");
    }

    private async Task CreateAsync(string tag, ImapArguments arguments)
    {
        string folderName = MailboxNames.ToFolder(arguments.AString("a mailbox name")).TrimEnd(MailboxNames.Delimiter);
        arguments.End();
        var existing = await Services.Mail.FoldersAsync(_account!, Closing).ConfigureAwait(false);
        if (existing.Any(f => string.Equals(f.Name, folderName, StringComparison.OrdinalIgnoreCase)))
        {
            Tagged(tag, $"NO [ALREADYEXISTS] the mailbox {MailboxNames.ToMailbox(folderName)} exists already");
            return;
        }

        // Superior names are made as needed (RFC 3501 section 6.3.3): CREATE a/b/c makes a and a/b.
        int slash = -1;
        while ((slash = folderName.IndexOf(MailboxNames.Delimiter, slash + 1)) > 0)
        {
            string parent = folderName[..slash];
            if (!existing.Any(f => string.Equals(f.Name, parent, StringComparison.OrdinalIgnoreCase)))
            {
                await Services.Mail.CreateFolderAsync(_account!, parent, Closing).ConfigureAwait(false);
            }
        }

        await Services.Mail.CreateFolderAsync(_account!, folderName, Closing).ConfigureAwait(false);
        await SyncAsync(force: false).ConfigureAwait(false);
        Tagged(tag, "OK CREATE completed");
    }

    private async Task DeleteAsync(string tag, ImapArguments arguments)
    {
        string folderName = MailboxNames.ToFolder(arguments.AString("a mailbox name"));
        arguments.End();
        if (_selected is not null && string.Equals(_selected.Folder, folderName, StringComparison.OrdinalIgnoreCase))
        {
            _selected = null;
        }

        await Services.Mail.DeleteFolderAsync(_account!, folderName, Closing).ConfigureAwait(false);
        await SyncAsync(force: false).ConfigureAwait(false);
        Tagged(tag, "OK DELETE completed");
    }

    private async Task RenameAsync(string tag, ImapArguments arguments)
    {
        string from = MailboxNames.ToFolder(arguments.AString("the mailbox to rename"));
        string to = MailboxNames.ToFolder(arguments.AString("the new name")).TrimEnd(MailboxNames.Delimiter);
        arguments.End();
        if (string.Equals(from, FolderNames.Inbox, StringComparison.OrdinalIgnoreCase))
        {
            // Renaming INBOX moves its mail to the new mailbox and leaves INBOX empty (RFC 3501 section 6.3.5).
            if ((await Services.Mail.FoldersAsync(_account!, Closing).ConfigureAwait(false)).Any(f => string.Equals(f.Name, to, StringComparison.OrdinalIgnoreCase)))
            {
                Tagged(tag, $"NO [ALREADYEXISTS] the mailbox {MailboxNames.ToMailbox(to)} exists already");
                return;
            }

            await Services.Mail.CreateFolderAsync(_account!, to, Closing).ConfigureAwait(false);
            var inbox = await Services.Mail.EntriesAsync(_account!, FolderNames.Inbox, Closing).ConfigureAwait(false);
            await Services.Mail.MoveAsync(_account!, [.. inbox.Entries.Select(e => e.Id)], to, Closing).ConfigureAwait(false);
        }
        else
        {
            await Services.Mail.RenameFolderAsync(_account!, from, to, Closing).ConfigureAwait(false);
            if (_selected is not null && string.Equals(_selected.Folder, from, StringComparison.OrdinalIgnoreCase))
            {
                _selected = null;
            }
        }

        await SyncAsync(force: false).ConfigureAwait(false);
        Tagged(tag, "OK RENAME completed");
    }

    private async Task SubscribeAsync(string tag, ImapArguments arguments, bool subscribe)
    {
        string folderName = MailboxNames.ToFolder(arguments.AString("a mailbox name"));
        arguments.End();
        await Services.Mail.SetSubscribedAsync(_account!, folderName, subscribe, Closing).ConfigureAwait(false);
        Tagged(tag, subscribe ? "OK SUBSCRIBE completed" : "OK UNSUBSCRIBE completed");
    }

    // LIST reference pattern, with the common parts of LIST-EXTENDED (RFC 5258) understood:
    // selection options (SUBSCRIBED, SPECIAL-USE), several patterns, and RETURN (SUBSCRIBED
    // CHILDREN SPECIAL-USE STATUS (...)) (RFC 5819).
    private async Task ListAsync(string tag, ImapArguments arguments, bool subscribedOnly)
    {
        bool onlySpecial = false;
        bool returnSubscribed = false;
        List<string>? statusItems = null;
        if (!subscribedOnly && arguments.TryTake('('))
        {
            while (!arguments.TryTake(')'))
            {
                switch (arguments.RequiredWord("a LIST selection option").ToUpperInvariant())
                {
                    case "SUBSCRIBED":
                        subscribedOnly = true;
                        returnSubscribed = true;
                        break;
                    case "SPECIAL-USE":
                        onlySpecial = true;
                        break;
                    case "REMOTE" or "RECURSIVEMATCH":
                        break;
                    case var other:
                        throw new ImapSyntaxException($"unknown LIST selection option {ImapArguments.Printable(other)}");
                }
            }
        }

        string reference = MailboxNames.DecodeUtf7(arguments.AString("a reference name"));
        var patterns = new List<string>();
        if (arguments.TryTake('('))
        {
            while (!arguments.TryTake(')'))
            {
                patterns.Add(arguments.AString("a mailbox pattern"));
            }
        }
        else
        {
            patterns.Add(arguments.AString("a mailbox pattern"));
        }

        if (!arguments.AtEnd)
        {
            if (!string.Equals(arguments.Word(), "RETURN", StringComparison.OrdinalIgnoreCase))
            {
                throw new ImapSyntaxException("only RETURN (...) may follow the pattern");
            }

            arguments.Take('(');
            while (!arguments.TryTake(')'))
            {
                switch (arguments.RequiredWord("a LIST return option").ToUpperInvariant())
                {
                    case "SUBSCRIBED":
                        returnSubscribed = true;
                        break;
                    case "CHILDREN" or "SPECIAL-USE":
                        break;
                    case "STATUS":
                        statusItems = StatusItems(arguments);
                        break;
                    case var other:
                        throw new ImapSyntaxException($"unknown LIST return option {ImapArguments.Printable(other)}");
                }
            }
        }

        arguments.End();
        string verb = subscribedOnly && !returnSubscribed ? "LSUB" : "LIST";
        if (patterns is [""])
        {
            // The hierarchy delimiter and root (RFC 3501 section 6.3.8).
            Reply(@"* " + verb + @" (\Noselect) ""/"" """"");
            Tagged(tag, $"OK {verb} completed");
            return;
        }

        var folders = await Services.Mail.FoldersAsync(_account!, Closing).ConfigureAwait(false);
        foreach (var folder in folders)
        {
            string mailbox = MailboxNames.ToMailbox(folder.Name);
            if (!patterns.Any(p => MailboxNames.Matches(MailboxNames.EncodeUtf7(reference) + p, mailbox)))
            {
                continue;
            }

            if (subscribedOnly && !folder.Subscribed)
            {
                continue;
            }

            string? special = SpecialUse(folder.Name);
            if (onlySpecial && special is null)
            {
                continue;
            }

            var attributes = new List<string>();
            if (verb == "LIST")
            {
                bool children = folders.Any(f => f.Name.StartsWith(folder.Name + "/", StringComparison.OrdinalIgnoreCase));
                attributes.Add(children ? @"\HasChildren" : @"\HasNoChildren");
                if (special is not null)
                {
                    attributes.Add(special);
                }

                if (returnSubscribed && folder.Subscribed)
                {
                    attributes.Add(@"\Subscribed");
                }
            }

            WriteUntagged(w =>
            {
                w.Ascii("* " + verb + " (" + string.Join(' ', attributes) + ") \"/\" ");
                w.String(mailbox);
            });
            if (statusItems is not null)
            {
                WriteStatus(mailbox, folder, statusItems);
            }
        }

        Tagged(tag, $"OK {verb} completed");
    }

    private static string? SpecialUse(string folder) => folder.ToUpperInvariant() switch
    {
        "SENT" => @"\Sent",
        "TRASH" => @"\Trash",
        "DRAFTS" => @"\Drafts",
        "JUNK" or "SPAM" => @"\Junk",
        "ARCHIVE" => @"\Archive",
        _ => null,
    };

    private static List<string> StatusItems(ImapArguments arguments)
    {
        var items = new List<string>();
        arguments.Take('(');
        while (!arguments.TryTake(')'))
        {
            string item = arguments.RequiredWord("a STATUS item").ToUpperInvariant();
            if (item is not ("MESSAGES" or "RECENT" or "UIDNEXT" or "UIDVALIDITY" or "UNSEEN" or "HIGHESTMODSEQ"))
            {
                throw new ImapSyntaxException($"unknown STATUS item {ImapArguments.Printable(item)}");
            }

            items.Add(item);
        }

        return items.Count > 0 ? items : throw new ImapSyntaxException("STATUS needs at least one item");
    }

    private async Task StatusAsync(string tag, ImapArguments arguments)
    {
        string mailbox = arguments.AString("a mailbox name");
        var items = StatusItems(arguments);
        arguments.End();
        var folder = await Services.Mail.FolderAsync(_account!, MailboxNames.ToFolder(mailbox), Closing).ConfigureAwait(false);
        WriteStatus(MailboxNames.ToMailbox(folder.Name), folder, items);
        Tagged(tag, "OK STATUS completed");
    }

    private void WriteStatus(string mailbox, FolderInfo folder, List<string> items)
    {
        WriteUntagged(w =>
        {
            w.Ascii("* STATUS ");
            w.String(mailbox);
            w.Ascii(" (");
            for (int i = 0; i < items.Count; i++)
            {
                long value = items[i] switch
                {
                    "MESSAGES" => folder.Total,
                    "RECENT" => 0,
                    "UIDNEXT" => folder.UidNext,
                    "UIDVALIDITY" => folder.UidValidity,
                    "UNSEEN" => folder.Unread,
                    _ => Math.Max(1, folder.HighestModSeq),
                };
                w.Ascii((i > 0 ? " " : "") + items[i] + " ");
                w.Number(value);
            }

            w.Ascii(")");
        });
    }

    private async Task AppendAsync(string tag, ImapArguments arguments)
    {
        string folderName = MailboxNames.ToFolder(arguments.AString("a mailbox name"));
        var flags = MessageFlags.None;
        DateTimeOffset? date = null;
        if (arguments.Peek() == '(')
        {
            flags = ImapFlags.Read(arguments);
        }

        if (arguments.Peek() == '"')
        {
            date = ImapDates.ParseDateTime(arguments.String("a date-time"));
        }

        var document = arguments.Literal("the message");
        arguments.End();
        if (document.Length == 0)
        {
            Tagged(tag, "NO an empty message cannot be appended");
            return;
        }

        try
        {
            var outcome = await Services.Mail.AppendAsync(_account!, folderName, document, flags, date, Closing).ConfigureAwait(false);
            await SyncAsync(force: false).ConfigureAwait(false);
            Tagged(tag, Invariant($"OK [APPENDUID {outcome.Folder.UidValidity} {outcome.Entry.Uid}] APPEND completed"));
        }
        catch (CarteiroException missing) when (missing.Code == ErrorCode.NoSuchFolder)
        {
            Tagged(tag, $"NO [TRYCREATE] no mailbox named {MailboxNames.ToMailbox(folderName)}");
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
