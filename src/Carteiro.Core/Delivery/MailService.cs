using Carteiro.Core.Accounts;
using Carteiro.Core.Errors;
using Carteiro.Core.Live;
using Carteiro.Core.Mailboxes;
using Carteiro.Core.Messages;
using Carteiro.Core.Storage;

namespace Carteiro.Core.Delivery;

/// <summary>
/// Every mail operation, for every door: checks the rules, calls the store, and after the store has
/// committed, tells the account's sessions through the hub. Doors never call the store directly
/// for mail, so the rules and the events are the same whichever way a user comes in.
/// </summary>
public sealed class MailService
{
    private const int MaxClientIdLength = 200;
    private const int MaxFileNameLength = 255;

    private readonly IMailStore _store;
    private readonly SessionHub _hub;
    private readonly CarteiroOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates the service.</summary>
    public MailService(IMailStore store, SessionHub hub, CarteiroOptions options, TimeProvider time)
    {
        _store = store;
        _hub = hub;
        _options = options;
        _time = time;
    }

    /// <summary>The limits and policy in force.</summary>
    public CarteiroOptions Options => _options;

    /// <summary>
    /// Sends <paramref name="draft"/> from <paramref name="sender"/>. Completes after the message is
    /// committed; then pushes it to every online recipient, and the Sent copy to the sender's other
    /// sessions (<paramref name="origin"/>, the session that sent it, learns from its reply).
    /// </summary>
    public async Task<SendReceipt> SendAsync(Account sender, Draft draft, CancellationToken cancellationToken, ISessionSink? origin = null)
    {
        draft = Normalize(draft);
        Validate(sender, draft);
        await RefuseMalformedNamesAsync(draft, cancellationToken).ConfigureAwait(false);

        string? parentHeader = null;
        long? parentMessage = null;
        long? thread = null;
        if (draft.ReplyTo is long replyTo)
        {
            var parent = await _store.GetAsync(sender.Id, replyTo, cancellationToken).ConfigureAwait(false);
            if (parent is null)
            {
                Refuse.NoSuchMessage(replyTo);
            }

            parentHeader = parent.MessageIdHeader;
            parentMessage = parent.Summary.MessageId;
            thread = parent.Summary.ThreadId;
        }

        var date = _time.GetUtcNow();
        var composed = MimeComposer.Compose(sender.Name, draft, _options.Domain, date, parentHeader);
        if (composed.Bytes.Length > _options.MaxMessageSize)
        {
            Refuse.With(ErrorCode.MessageTooLarge, $"the message is {composed.Bytes.Length} bytes; the limit is {_options.MaxMessageSize}");
        }

        var outcome = await DeliverAsync(
            new NewMessage(sender, draft.ClientId, date, draft.To, draft.Cc, draft.Bcc, draft.ToEveryone, draft.Subject, draft.Body,
                composed.Attachments, parentMessage, thread, composed.MessageIdHeader, composed.Bytes),
            origin,
            cancellationToken).ConfigureAwait(false);

        if (!outcome.Duplicate && draft.ReplyTo is long answered)
        {
            await SetFlagsAsync(sender, answered, MessageFlags.Answered, MessageFlags.None, CancellationToken.None).ConfigureAwait(false);
        }

        return new SendReceipt(outcome.SentId, outcome.MessageId, outcome.Date, outcome.Duplicate);
    }

    /// <summary>
    /// Takes a whole RFC 5322 document from a mail program (SMTP submission) signed in as
    /// <paramref name="sender"/>, for the envelope's <paramref name="recipients"/> (user names, or
    /// <c>everyone</c>). The document is stored as submitted, completed with a Date, Message-ID or
    /// From it lacks and without Bcc; recipients named in its To or Cc header are filed as such, the
    /// others as blind copies. A resubmission with the same Message-ID is stored once.
    /// </summary>
    public async Task<SendReceipt> SubmitAsync(Account sender, IReadOnlyList<string> recipients, ReadOnlyMemory<byte> document, CancellationToken cancellationToken)
    {
        if (document.Length > _options.MaxMessageSize)
        {
            Refuse.With(ErrorCode.MessageTooLarge, $"the message is {document.Length} bytes; the limit is {_options.MaxMessageSize}");
        }

        var date = _time.GetUtcNow();
        var parsed = MimeSubmission.Parse(document, sender.Name, _options.Domain, date);
        if (parsed.Bytes.Length > _options.MaxMessageSize)
        {
            Refuse.With(ErrorCode.MessageTooLarge, $"the message is {parsed.Bytes.Length} bytes; the limit is {_options.MaxMessageSize}");
        }

        if (parsed.Attachments.Count > _options.MaxAttachments)
        {
            Refuse.With(ErrorCode.TooManyAttachments, $"{parsed.Attachments.Count} attachments; the limit is {_options.MaxAttachments}");
        }

        bool Named(IReadOnlyList<string> names, string name) => names.Contains(name, StringComparer.OrdinalIgnoreCase);
        var draft = Normalize(new Draft
        {
            To = [.. recipients.Where(r => Named(parsed.ToNames, r))],
            Cc = [.. recipients.Where(r => !Named(parsed.ToNames, r) && Named(parsed.CcNames, r))],
            Bcc = [.. recipients.Where(r => !Named(parsed.ToNames, r) && !Named(parsed.CcNames, r))],
            Subject = parsed.Subject,
            ClientId = parsed.MessageIdGiven ? SubmissionId(parsed.MessageIdHeader, recipients) : null,
        });
        Validate(sender, draft);

        // A reply joins the thread of the message it answers, when the sender has that message.
        var parent = parsed.InReplyToHeader is { } answers
            ? await _store.FindByMessageIdHeaderAsync(sender.Id, answers, cancellationToken).ConfigureAwait(false)
            : null;
        var outcome = await DeliverAsync(
            new NewMessage(sender, draft.ClientId, date, draft.To, draft.Cc, draft.Bcc, draft.ToEveryone, draft.Subject, parsed.Body,
                parsed.Attachments, parent?.MessageId, parent?.ThreadId, parsed.MessageIdHeader, parsed.Bytes),
            null,
            cancellationToken).ConfigureAwait(false);
        if (!outcome.Duplicate && parent is not null)
        {
            await SetFlagsAsync(sender, parent.Id, MessageFlags.Answered, MessageFlags.None, CancellationToken.None).ConfigureAwait(false);
        }

        return new SendReceipt(outcome.SentId, outcome.MessageId, outcome.Date, outcome.Duplicate);
    }

    // A resubmission is the same Message-ID to the same recipients: a client retrying after a lost
    // reply. The same Message-ID to other recipients is new mail (clients split long recipient
    // lists over several transactions), so the recipients are part of the key.
    private static string SubmissionId(string messageIdHeader, IReadOnlyList<string> recipients)
    {
        string key = messageIdHeader + "\n" + string.Join(',', recipients.Select(UserName.Normalize).Order(StringComparer.Ordinal));
        return "mime:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)));
    }

    // Stores the message, refuses unknown recipients, and after the commit tells every online
    // recipient and the sender's other sessions (origin learns from its own reply).
    private async Task<DeliveryOutcome> DeliverAsync(NewMessage message, ISessionSink? origin, CancellationToken cancellationToken)
    {
        var outcome = await _store.DeliverAsync(message, cancellationToken).ConfigureAwait(false);
        if (outcome.UnknownRecipients.Count > 0)
        {
            Refuse.UnknownRecipients(outcome.UnknownRecipients);
        }

        foreach (var delivery in outcome.Deliveries)
        {
            bool senderCopy = delivery.AccountId == message.Sender.Id && delivery.Entry.Id == outcome.SentId;
            _hub.Publish(delivery.AccountId, new MailArrived(delivery.Entry), senderCopy ? origin : null);
        }

        return outcome;
    }

    // A name no account could have (it would not even make an address) is an unknown recipient.
    // The store names unknown recipients itself, but only once the message is built; so when such a
    // name is there, every unknown name is found here, to be refused together.
    private async Task RefuseMalformedNamesAsync(Draft draft, CancellationToken cancellationToken)
    {
        var names = draft.To.Concat(draft.Cc).Concat(draft.Bcc).ToList();
        if (names.TrueForAll(UserName.IsWellFormed))
        {
            return;
        }

        var unknown = new List<string>();
        foreach (string name in names)
        {
            if (!UserName.IsWellFormed(name) || !await IsUserAsync(name, cancellationToken).ConfigureAwait(false))
            {
                unknown.Add(name);
            }
        }

        Refuse.UnknownRecipients(unknown);
    }

    // "everyone" as a recipient name is the broadcast address; duplicates are dropped.
    private static Draft Normalize(Draft draft)
    {
        bool everyone = draft.ToEveryone;
        List<string> Clean(IReadOnlyList<string> names)
        {
            var result = new List<string>(names.Count);
            foreach (string raw in names)
            {
                string name = raw.Trim();
                if (name.Length == 0)
                {
                    continue;
                }

                if (string.Equals(name, UserName.Everyone, StringComparison.OrdinalIgnoreCase))
                {
                    everyone = true;
                    continue;
                }

                if (!result.Contains(name, StringComparer.OrdinalIgnoreCase))
                {
                    result.Add(name);
                }
            }

            return result;
        }

        var to = Clean(draft.To);
        var cc = Clean(draft.Cc);
        var bcc = Clean(draft.Bcc);
        return draft with { To = to, Cc = cc, Bcc = bcc, ToEveryone = everyone };
    }

    private void Validate(Account sender, Draft draft)
    {
        int recipients = draft.To.Count + draft.Cc.Count + draft.Bcc.Count;
        if (recipients == 0 && !draft.ToEveryone)
        {
            Refuse.With(ErrorCode.NoRecipients, "a message needs at least one recipient (or everyone)");
        }

        if (recipients > _options.MaxRecipients)
        {
            Refuse.With(ErrorCode.TooManyRecipients, $"{recipients} recipients; the limit is {_options.MaxRecipients}");
        }

        if (draft.ToEveryone && _options.Broadcast == BroadcastPolicy.Admins && !sender.IsAdmin)
        {
            Refuse.With(ErrorCode.Forbidden, "only admins may send to everyone on this server");
        }

        if (draft.Subject.Length > _options.MaxSubjectLength)
        {
            Refuse.With(ErrorCode.SubjectTooLong, $"the subject has {draft.Subject.Length} characters; the limit is {_options.MaxSubjectLength}");
        }

        if (draft.Subject.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            Refuse.With(ErrorCode.SubjectTooLong, "the subject is one line: it may not contain line breaks");
        }

        if (draft.Attachments.Count > _options.MaxAttachments)
        {
            Refuse.With(ErrorCode.TooManyAttachments, $"{draft.Attachments.Count} attachments; the limit is {_options.MaxAttachments}");
        }

        foreach (var attachment in draft.Attachments)
        {
            if (attachment.FileName.Length is 0 or > MaxFileNameLength || attachment.FileName.AsSpan().IndexOfAny("/\\\r\n\0") >= 0)
            {
                Refuse.With(ErrorCode.BadSyntax, $"an attachment name is 1 to {MaxFileNameLength} characters without '/', '\\' or line breaks");
            }
        }

        if (draft.ClientId is { Length: 0 or > MaxClientIdLength })
        {
            Refuse.With(ErrorCode.BadSyntax, $"a client message id has 1 to {MaxClientIdLength} characters");
        }

        long size = System.Text.Encoding.UTF8.GetByteCount(draft.Body) + draft.Attachments.Sum(a => (long)a.Content.Length);
        if (size > _options.MaxMessageSize)
        {
            Refuse.With(ErrorCode.MessageTooLarge, $"the message is {size} bytes; the limit is {_options.MaxMessageSize}");
        }
    }

    /// <summary>The account's folders with counts.</summary>
    public Task<IReadOnlyList<FolderInfo>> FoldersAsync(Account account, CancellationToken cancellationToken) =>
        _store.GetFoldersAsync(account.Id, cancellationToken);

    /// <summary>One folder with its counts and modification sequence.</summary>
    public async Task<FolderInfo> FolderAsync(Account account, string name, CancellationToken cancellationToken) =>
        await _store.GetFolderAsync(account.Id, name, cancellationToken).ConfigureAwait(false)
        ?? throw new CarteiroException(ErrorCode.NoSuchFolder, $"no folder named '{name}'");

    /// <summary>Creates a folder.</summary>
    public Task<FolderInfo> CreateFolderAsync(Account account, string name, CancellationToken cancellationToken) =>
        _store.CreateFolderAsync(account.Id, name, cancellationToken);

    /// <summary>One page of a folder, newest first.</summary>
    public async Task<MessagePage> ListAsync(Account account, ListQuery query, CancellationToken cancellationToken)
    {
        var page = await _store.ListAsync(account.Id, query, cancellationToken).ConfigureAwait(false);
        if (page is null)
        {
            Refuse.With(ErrorCode.NoSuchFolder, $"no folder named '{query.Folder}'");
        }

        return page;
    }

    /// <summary>Every entry of a folder, oldest first, in few fields (mail doors number folders with it).</summary>
    public async Task<FolderEntries> EntriesAsync(Account account, string folder, CancellationToken cancellationToken) =>
        await _store.EntriesAsync(account.Id, folder, cancellationToken).ConfigureAwait(false)
        ?? throw new CarteiroException(ErrorCode.NoSuchFolder, $"no folder named '{folder}'");

    /// <summary>Full-text search.</summary>
    public Task<IReadOnlyList<MessageSummary>> SearchAsync(Account account, SearchQuery query, CancellationToken cancellationToken) =>
        _store.SearchAsync(account.Id, query, cancellationToken);

    /// <summary>Reads one message; marks it seen unless <paramref name="peek"/>.</summary>
    public async Task<MessageDetail> ReadAsync(Account account, long id, bool peek, CancellationToken cancellationToken)
    {
        var detail = await _store.GetAsync(account.Id, id, cancellationToken).ConfigureAwait(false);
        if (detail is null)
        {
            Refuse.NoSuchMessage(id);
        }

        if (!peek && (detail.Summary.Flags & MessageFlags.Seen) == 0)
        {
            var seen = await SetFlagsAsync(account, id, MessageFlags.Seen, MessageFlags.None, cancellationToken).ConfigureAwait(false);
            detail = detail with { Summary = seen };
        }

        return detail;
    }

    /// <summary>The attachments of a message, with their bytes.</summary>
    public async Task<IReadOnlyList<Attachment>> AttachmentsAsync(Account account, long id, CancellationToken cancellationToken)
    {
        var document = await RawAsync(account, id, cancellationToken).ConfigureAwait(false);
        return MimeComposer.ReadAttachments(document);
    }

    /// <summary>The stored RFC 5322 document.</summary>
    public async Task<byte[]> RawAsync(Account account, long id, CancellationToken cancellationToken)
    {
        var document = await _store.GetMimeAsync(account.Id, id, cancellationToken).ConfigureAwait(false);
        if (document is null)
        {
            Refuse.NoSuchMessage(id);
        }

        return document;
    }

    /// <summary>The message's HTML part made safe to show (<see cref="MimeHtml"/>), or null when it has none.</summary>
    public async Task<MimeHtml.Safe?> HtmlAsync(Account account, long id, CancellationToken cancellationToken) =>
        MimeHtml.Of(await RawAsync(account, id, cancellationToken).ConfigureAwait(false));

    /// <summary>Adds and removes flags, and tells the account's other sessions.</summary>
    public async Task<MessageSummary> SetFlagsAsync(Account account, long id, MessageFlags add, MessageFlags remove, CancellationToken cancellationToken)
    {
        var before = await _store.SetFlagsAsync(account.Id, id, add, remove, cancellationToken).ConfigureAwait(false);
        if (before is null)
        {
            Refuse.NoSuchMessage(id);
        }

        _hub.Publish(account.Id, new MessageChanged(before));
        return before;
    }

    /// <summary>Moves a message to another folder.</summary>
    public async Task<MessageSummary> MoveAsync(Account account, long id, string folder, CancellationToken cancellationToken)
    {
        var moved = await _store.MoveAsync(account.Id, id, FolderNames.Canonical(folder), cancellationToken).ConfigureAwait(false);
        if (moved is null)
        {
            Refuse.NoSuchMessage(id);
        }

        if (!string.Equals(moved.FromFolder, moved.Entry.Folder, StringComparison.Ordinal))
        {
            _hub.Publish(account.Id, new MessageChanged(moved.Entry, moved.FromFolder, moved.FromUid));
        }

        return moved.Entry;
    }

    /// <summary>
    /// Moves a message to Trash; one already in Trash, or with <paramref name="purge"/>, is deleted
    /// for good. Returns the entry in Trash, or null when it was deleted for good.
    /// </summary>
    public async Task<MessageSummary?> DeleteAsync(Account account, long id, bool purge, CancellationToken cancellationToken)
    {
        if (!purge)
        {
            var detail = await _store.GetAsync(account.Id, id, cancellationToken).ConfigureAwait(false);
            if (detail is null)
            {
                Refuse.NoSuchMessage(id);
            }

            if (!string.Equals(detail.Summary.Folder, FolderNames.Trash, StringComparison.OrdinalIgnoreCase))
            {
                return await MoveAsync(account, id, FolderNames.Trash, cancellationToken).ConfigureAwait(false);
            }
        }

        var removed = await _store.DeleteAsync(account.Id, id, cancellationToken).ConfigureAwait(false);
        if (removed is null)
        {
            Refuse.NoSuchMessage(id);
        }

        _hub.Publish(account.Id, new MessageRemoved(removed.Id, removed.Folder, removed.Uid));
        return null;
    }

    /// <summary>Renames a folder and those below it; refuses standard folders and taken names.</summary>
    public async Task<FolderInfo> RenameFolderAsync(Account account, string name, string newName, CancellationToken cancellationToken) =>
        await _store.RenameFolderAsync(account.Id, name, newName, cancellationToken).ConfigureAwait(false)
        ?? throw new CarteiroException(ErrorCode.NoSuchFolder, $"no folder named '{name}'");

    /// <summary>Deletes a folder with its mail; refuses standard folders and folders with folders below them.</summary>
    public async Task DeleteFolderAsync(Account account, string name, CancellationToken cancellationToken)
    {
        if (!await _store.DeleteFolderAsync(account.Id, name, cancellationToken).ConfigureAwait(false))
        {
            Refuse.With(ErrorCode.NoSuchFolder, $"no folder named '{name}'");
        }
    }

    /// <summary>Subscribes to a folder or unsubscribes.</summary>
    public async Task SetSubscribedAsync(Account account, string name, bool subscribed, CancellationToken cancellationToken)
    {
        if (!await _store.SetSubscribedAsync(account.Id, name, subscribed, cancellationToken).ConfigureAwait(false))
        {
            Refuse.With(ErrorCode.NoSuchFolder, $"no folder named '{name}'");
        }
    }

    /// <summary>What changed in a folder after a modification sequence (from 0: all of it).</summary>
    public async Task<FolderChanges> ChangesSinceAsync(Account account, string folder, long sinceModSeq, CancellationToken cancellationToken) =>
        await _store.ChangesSinceAsync(account.Id, folder, sinceModSeq, cancellationToken).ConfigureAwait(false)
        ?? throw new CarteiroException(ErrorCode.NoSuchFolder, $"no folder named '{folder}'");

    /// <summary>The stored documents of several entries, in the order asked; null where there is no such entry.</summary>
    public Task<IReadOnlyList<byte[]?>> RawAsync(Account account, IReadOnlyList<long> ids, CancellationToken cancellationToken) =>
        _store.GetMimesAsync(account.Id, ids, cancellationToken);

    /// <summary>
    /// Files a whole document a mail program keeps in one of the account's folders (IMAP APPEND:
    /// drafts, sent copies, mail moved in from elsewhere), as given, and tells the account's sessions.
    /// </summary>
    public async Task<AppendOutcome> AppendAsync(Account account, string folder, ReadOnlyMemory<byte> document, MessageFlags flags, DateTimeOffset? date, CancellationToken cancellationToken)
    {
        if (document.Length > _options.MaxMessageSize)
        {
            Refuse.With(ErrorCode.MessageTooLarge, $"the message is {document.Length} bytes; the limit is {_options.MaxMessageSize}");
        }

        var described = MimeSubmission.Describe(document, _options.Domain);
        var message = new AppendedMessage(described.From, described.To, described.Cc, described.Subject, described.Body,
            described.Attachments, described.MessageIdHeader, date ?? _time.GetUtcNow(), flags, document);
        var outcome = await _store.AppendAsync(account.Id, FolderNames.Canonical(folder), message, cancellationToken).ConfigureAwait(false)
            ?? throw new CarteiroException(ErrorCode.NoSuchFolder, $"no folder named '{folder}'");
        if (!outcome.Duplicate)
        {
            _hub.Publish(account.Id, new MailArrived(outcome.Entry));
        }

        return outcome;
    }

    /// <summary>Files several entries also in another folder, and tells the account's sessions.</summary>
    public async Task<CopyOutcome> CopyAsync(Account account, IReadOnlyList<long> ids, string folder, CancellationToken cancellationToken)
    {
        var outcome = await _store.CopyAsync(account.Id, ids, FolderNames.Canonical(folder), cancellationToken).ConfigureAwait(false);
        foreach (var copy in outcome.Copies)
        {
            _hub.Publish(account.Id, new MailArrived(copy.Entry));
        }

        return outcome;
    }

    /// <summary>Adds and removes flags on several entries at once, and tells the account's sessions.</summary>
    public async Task<FlagsOutcome> SetFlagsAsync(Account account, IReadOnlyList<long> ids, MessageFlags add, MessageFlags remove, long? unchangedSince, CancellationToken cancellationToken)
    {
        var outcome = await _store.SetFlagsAsync(account.Id, ids, add, remove, unchangedSince, cancellationToken).ConfigureAwait(false);
        foreach (var changed in outcome.Changed)
        {
            _hub.Publish(account.Id, new MessageChanged(changed));
        }

        return outcome;
    }

    /// <summary>Moves several entries to another folder at once, and tells the account's sessions.</summary>
    public async Task<IReadOnlyList<MoveOutcome>> MoveAsync(Account account, IReadOnlyList<long> ids, string folder, CancellationToken cancellationToken)
    {
        var moves = await _store.MoveAsync(account.Id, ids, FolderNames.Canonical(folder), cancellationToken).ConfigureAwait(false);
        foreach (var moved in moves)
        {
            _hub.Publish(account.Id, new MessageChanged(moved.Entry, moved.FromFolder, moved.FromUid));
        }

        return moves;
    }

    /// <summary>Deletes several entries for good at once (IMAP EXPUNGE), and tells the account's sessions.</summary>
    public async Task<IReadOnlyList<MessageSummary>> PurgeAsync(Account account, IReadOnlyList<long> ids, CancellationToken cancellationToken)
    {
        var removed = await _store.DeleteAsync(account.Id, ids, cancellationToken).ConfigureAwait(false);
        foreach (var entry in removed)
        {
            _hub.Publish(account.Id, new MessageRemoved(entry.Id, entry.Folder, entry.Uid));
        }

        return removed;
    }

    /// <summary>Account names starting with <paramref name="prefix"/>.</summary>
    public Task<IReadOnlyList<string>> CompleteNamesAsync(string prefix, int limit, CancellationToken cancellationToken) =>
        _store.CompleteNamesAsync(prefix, Math.Clamp(limit, 1, 100), cancellationToken);

    /// <summary>Who is online now.</summary>
    public IReadOnlyList<OnlineUser> Online() => _hub.Online();

    /// <summary>True when an account named <paramref name="name"/> exists (for mail doors that check each recipient as it is given).</summary>
    public async Task<bool> IsUserAsync(string name, CancellationToken cancellationToken) =>
        await _store.FindAccountAsync(name, cancellationToken).ConfigureAwait(false) is not null;
}
