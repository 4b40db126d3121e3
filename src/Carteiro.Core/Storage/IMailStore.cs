using Carteiro.Core.Accounts;
using Carteiro.Core.Mailboxes;
using Carteiro.Core.Messages;

namespace Carteiro.Core.Storage;

/// <summary>
/// Everything the server keeps. Implementations must be durable (a completed write survives a
/// killed process), must serialise writes so UIDs and mod-sequences stay strictly ascending per
/// folder, and must scope every message operation to the given account: an id that belongs to
/// someone else behaves exactly like an id that does not exist.
/// The contract tests in Carteiro.Storage.Tests hold every implementation to this.
/// </summary>
public interface IMailStore : IAsyncDisposable
{
    /// <summary>Creates or migrates the schema.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    // Accounts

    /// <summary>Creates an account with the standard folders; throws <c>name-taken</c> when the name exists.</summary>
    Task<Account> CreateAccountAsync(string name, string passwordHash, bool isAdmin, CancellationToken cancellationToken);

    /// <summary>Finds an account by name, without regard to case.</summary>
    Task<Account?> FindAccountAsync(string name, CancellationToken cancellationToken);

    /// <summary>Finds an account with its password hash, for sign-in.</summary>
    Task<AccountCredentials?> FindCredentialsAsync(string name, CancellationToken cancellationToken);

    /// <summary>Gets an account by id.</summary>
    Task<Account?> GetAccountAsync(long accountId, CancellationToken cancellationToken);

    /// <summary>Lists all accounts by name.</summary>
    Task<IReadOnlyList<Account>> ListAccountsAsync(CancellationToken cancellationToken);

    /// <summary>Names starting with <paramref name="prefix"/>, for completion.</summary>
    Task<IReadOnlyList<string>> CompleteNamesAsync(string prefix, int limit, CancellationToken cancellationToken);

    /// <summary>Replaces the password hash and revokes the account's tokens. False when there is no such account.</summary>
    Task<bool> SetPasswordAsync(long accountId, string passwordHash, CancellationToken cancellationToken);

    /// <summary>Grants or withdraws admin rights. False when there is no such account.</summary>
    Task<bool> SetAdminAsync(long accountId, bool isAdmin, CancellationToken cancellationToken);

    /// <summary>Removes an account with its folders and tokens. False when there is no such account.</summary>
    Task<bool> RemoveAccountAsync(long accountId, CancellationToken cancellationToken);

    /// <summary>Stores a token digest for an account.</summary>
    Task AddTokenAsync(long accountId, byte[] digest, string label, CancellationToken cancellationToken);

    /// <summary>Finds the account a token digest belongs to.</summary>
    Task<Account?> FindTokenAsync(byte[] digest, CancellationToken cancellationToken);

    /// <summary>Revokes a token. False when it did not exist.</summary>
    Task<bool> RemoveTokenAsync(byte[] digest, CancellationToken cancellationToken);

    // Mail

    /// <summary>
    /// Stores a message once and files it in the sender's Sent and each recipient's Inbox, in one
    /// transaction that is committed before the task completes. Unknown recipient names refuse the
    /// whole message. A repeated (sender, client id) returns the first result and stores nothing.
    /// </summary>
    Task<DeliveryOutcome> DeliverAsync(NewMessage message, CancellationToken cancellationToken);

    /// <summary>The account's folders with counts.</summary>
    Task<IReadOnlyList<FolderInfo>> GetFoldersAsync(long accountId, CancellationToken cancellationToken);

    /// <summary>One folder by name (without regard to case) with its counts; null when there is none.</summary>
    Task<FolderInfo?> GetFolderAsync(long accountId, string name, CancellationToken cancellationToken);

    /// <summary>Creates a folder; returns the existing one if the name is taken.</summary>
    Task<FolderInfo> CreateFolderAsync(long accountId, string name, CancellationToken cancellationToken);

    /// <summary>One page of a folder, newest first; null when the folder does not exist.</summary>
    Task<MessagePage?> ListAsync(long accountId, ListQuery query, CancellationToken cancellationToken);

    /// <summary>Every entry of a folder, oldest first (ascending UID), in few fields; null when the folder does not exist.</summary>
    Task<FolderEntries?> EntriesAsync(long accountId, string folder, CancellationToken cancellationToken);

    /// <summary>Full-text search over subject, body and names, newest first.</summary>
    Task<IReadOnlyList<MessageSummary>> SearchAsync(long accountId, SearchQuery query, CancellationToken cancellationToken);

    /// <summary>One message with its body; null when the account has no such entry.</summary>
    Task<MessageDetail?> GetAsync(long accountId, long id, CancellationToken cancellationToken);

    /// <summary>
    /// The account's entry of the message whose Message-ID header is <paramref name="messageIdHeader"/>
    /// (angle brackets included), the oldest if it has several; null when the account has none.
    /// </summary>
    Task<MessageSummary?> FindByMessageIdHeaderAsync(long accountId, string messageIdHeader, CancellationToken cancellationToken);

    /// <summary>The stored RFC 5322 document of a message; null when the account has no such entry.</summary>
    Task<byte[]?> GetMimeAsync(long accountId, long id, CancellationToken cancellationToken);

    /// <summary>Adds and removes flags; returns the entry after the change, or null when not found.</summary>
    Task<MessageSummary?> SetFlagsAsync(long accountId, long id, MessageFlags add, MessageFlags remove, CancellationToken cancellationToken);

    /// <summary>Moves an entry to another folder (it gets that folder's next UID); null when not found.</summary>
    Task<MoveOutcome?> MoveAsync(long accountId, long id, string folder, CancellationToken cancellationToken);

    /// <summary>Deletes an entry for good; the message goes when no entry refers to it. Null when not found.</summary>
    Task<MessageSummary?> DeleteAsync(long accountId, long id, CancellationToken cancellationToken);
}
