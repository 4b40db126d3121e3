using System.Text;
using Carteiro.Core.Accounts;
using Carteiro.Core.Mailboxes;
using Carteiro.Core.Messages;
using Carteiro.Core.Storage;

namespace Carteiro.Storage.Tests;

/// <summary>
/// The behaviour every <see cref="IMailStore"/> must show, written once. Each store kind gets a
/// small subclass that opens a fresh, empty store of that kind (<see cref="SqliteMailStoreTests"/>);
/// xunit runs every test below once per subclass, with a new instance (and a new store) per test.
/// </summary>
/// <remarks>
/// PostgreSQL goes here next: a <c>PostgresMailStoreTests : MailStoreContract</c> whose
/// <see cref="OpenAsync"/> opens a fresh database on the server named by an environment variable
/// (skipping on a developer machine without one; <c>.ci/run</c> starts a server so CI never skips)
/// and whose <see cref="DestroyAsync"/> drops it. Nothing in the contract may depend on SQLite.
/// </remarks>
public abstract partial class MailStoreContract : IAsyncLifetime
{
    protected static readonly DateTimeOffset Start = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private IMailStore? _store;
    private int _sequence;

    /// <summary>The store under test.</summary>
    protected IMailStore Store => _store ?? throw new InvalidOperationException("the store is not open");

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// Opens and initializes the store. Called once per test, and again after <see cref="ReopenAsync"/>
    /// has disposed it: the second time it must reach the same data.
    /// </summary>
    protected abstract Task<IMailStore> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Deletes the test's data once the store is disposed.</summary>
    protected abstract ValueTask DestroyAsync();

    public async ValueTask InitializeAsync() => _store = await OpenAsync(Ct);

    public async ValueTask DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
            _store = null;
        }

        await DestroyAsync();
    }

    /// <summary>Disposes the store and opens it again over the same data.</summary>
    protected async Task ReopenAsync()
    {
        await Store.DisposeAsync();
        _store = null;
        _store = await OpenAsync(Ct);
    }

    protected Task<Account> AccountAsync(string name, bool isAdmin = false) =>
        Store.CreateAccountAsync(name, "hash-of-" + name, isAdmin, Ct);

    /// <summary>
    /// A message ready to deliver. Each gets a later date than the one before, a distinct
    /// Message-ID header and, unless given, a small document of its own.
    /// </summary>
    protected NewMessage Mail(
        Account from,
        IReadOnlyList<string>? to = null,
        IReadOnlyList<string>? cc = null,
        IReadOnlyList<string>? bcc = null,
        string? subject = null,
        string body = "hello",
        string? clientId = null,
        bool everyone = false,
        IReadOnlyList<AttachmentInfo>? attachments = null,
        byte[]? mime = null,
        long? inReplyTo = null,
        long? threadId = null,
        string? messageIdHeader = null)
    {
        int n = Interlocked.Increment(ref _sequence);
        subject ??= $"message {n}";
        messageIdHeader ??= $"m{n}.{Guid.NewGuid():N}@example.org";
        mime ??= Encoding.UTF8.GetBytes($"From: {from.Name}@example.org\r\nSubject: {subject}\r\nMessage-ID: <{messageIdHeader}>\r\n\r\n{body}\r\n");
        return new NewMessage(from, clientId, Start.AddSeconds(n), to ?? [], cc ?? [], bcc ?? [], everyone, subject, body,
            attachments ?? [], inReplyTo, threadId, messageIdHeader, mime);
    }

    /// <summary>Delivers a message that must be accepted.</summary>
    protected async Task<DeliveryOutcome> SendAsync(NewMessage message)
    {
        var outcome = await Store.DeliverAsync(message, Ct);
        Assert.Empty(outcome.UnknownRecipients);
        return outcome;
    }

    protected async Task<FolderInfo> FolderAsync(Account account, string name = FolderNames.Inbox) =>
        (await Store.GetFoldersAsync(account.Id, Ct)).Single(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>A whole folder, newest first.</summary>
    protected async Task<IReadOnlyList<MessageSummary>> ListAsync(Account account, string folder = FolderNames.Inbox)
    {
        var page = await Store.ListAsync(account.Id, new ListQuery(folder, Limit: 1000), Ct);
        Assert.NotNull(page);
        return page.Items;
    }

    protected async Task<MessageSummary> EntryAsync(Account account, long id)
    {
        var detail = await Store.GetAsync(account.Id, id, Ct);
        Assert.NotNull(detail);
        return detail.Summary;
    }

    protected Task<IReadOnlyList<MessageSummary>> SearchAsync(Account account, string text, string? folder = null) =>
        Store.SearchAsync(account.Id, new SearchQuery(text, folder), Ct);

    /// <summary>Every folder of the given accounts with all its counters, to compare before and after.</summary>
    protected async Task<List<FolderInfo>> SnapshotAsync(params Account[] accounts)
    {
        var folders = new List<FolderInfo>();
        foreach (var account in accounts)
        {
            folders.AddRange(await Store.GetFoldersAsync(account.Id, Ct));
        }

        return folders;
    }

    /// <summary>What can change about an entry, comparable by value.</summary>
    protected static (long Id, string Folder, long Uid, long MessageId, MessageFlags Flags, long ModSeq) State(MessageSummary entry) =>
        (entry.Id, entry.Folder, entry.Uid, entry.MessageId, entry.Flags, entry.ModSeq);
}
