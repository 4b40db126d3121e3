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

    /// <summary>
    /// Renames a folder and the folders below it (<c>name/...</c>); keeps its UIDs and UID validity.
    /// Null when there is no such folder; refuses a standard folder and a name already taken.
    /// </summary>
    Task<FolderInfo?> RenameFolderAsync(long accountId, string name, string newName, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes a folder with its entries (a message goes when no entry refers to it). False when
    /// there is no such folder; refuses a standard folder and one with folders below it.
    /// </summary>
    Task<bool> DeleteFolderAsync(long accountId, string name, CancellationToken cancellationToken);

    /// <summary>Subscribes to a folder or unsubscribes (IMAP LSUB). False when there is no such folder.</summary>
    Task<bool> SetSubscribedAsync(long accountId, string name, bool subscribed, CancellationToken cancellationToken);

    /// <summary>
    /// What changed in a folder after <paramref name="sinceModSeq"/>, read in one snapshot; null
    /// when the folder does not exist.
    /// </summary>
    Task<FolderChanges?> ChangesSinceAsync(long accountId, string folder, long sinceModSeq, CancellationToken cancellationToken);

    /// <summary>One page of a folder, newest first; null when the folder does not exist.</summary>
    Task<MessagePage?> ListAsync(long accountId, ListQuery query, CancellationToken cancellationToken);

    /// <summary>Every entry of a folder, oldest first (ascending UID), in few fields; null when the folder does not exist.</summary>
    Task<FolderEntries?> EntriesAsync(long accountId, string folder, CancellationToken cancellationToken);

    /// <summary>
    /// The documents of several entries, in the order asked, null where the account has no such
    /// entry: what a mail door serves for a range of messages, in one read.
    /// </summary>
    Task<IReadOnlyList<byte[]?>> GetMimesAsync(long accountId, IReadOnlyList<long> ids, CancellationToken cancellationToken);

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

    /// <summary>
    /// Files a document in one of the account's folders with the given flags; it gets the folder's
    /// next UID. A document whose Message-ID the account already sent, appended to its Sent folder,
    /// is not stored again (see <see cref="AppendOutcome.Duplicate"/>). Null when there is no such folder.
    /// </summary>
    Task<AppendOutcome?> AppendAsync(long accountId, string folder, AppendedMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// Files the entries <paramref name="ids"/> also in <paramref name="folder"/>, in the order
    /// given, each with its flags and the folder's next UID; the message itself is not copied. Ids
    /// not found are skipped; refuses a folder that does not exist.
    /// </summary>
    Task<CopyOutcome> CopyAsync(long accountId, IReadOnlyList<long> ids, string folder, CancellationToken cancellationToken);

    /// <summary>
    /// Adds and removes flags on several entries in one transaction. With <paramref name="unchangedSince"/>,
    /// an entry whose modification sequence is above it is left alone and reported in
    /// <see cref="FlagsOutcome.Modified"/>. Ids not found are skipped.
    /// </summary>
    Task<FlagsOutcome> SetFlagsAsync(long accountId, IReadOnlyList<long> ids, MessageFlags add, MessageFlags remove, long? unchangedSince, CancellationToken cancellationToken);

    /// <summary>Moves several entries to a folder in one transaction, in the order given; ids not found are skipped; refuses a folder that does not exist.</summary>
    Task<IReadOnlyList<MoveOutcome>> MoveAsync(long accountId, IReadOnlyList<long> ids, string folder, CancellationToken cancellationToken);

    /// <summary>Deletes several entries for good in one transaction; returns those deleted (ids not found are skipped).</summary>
    Task<IReadOnlyList<MessageSummary>> DeleteAsync(long accountId, IReadOnlyList<long> ids, CancellationToken cancellationToken);

    /// <summary>Deletes an entry for good; the message goes when no entry refers to it. Null when not found.</summary>
    Task<MessageSummary?> DeleteAsync(long accountId, long id, CancellationToken cancellationToken);
}
