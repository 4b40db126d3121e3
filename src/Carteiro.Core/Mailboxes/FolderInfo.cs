namespace Carteiro.Core.Mailboxes;

/// <summary>
/// A folder with its counts and IMAP bookkeeping: UIDs in a folder only ever grow, and
/// <see cref="UidValidity"/> changes only if UIDs could no longer keep their meaning.
/// <see cref="Subscribed"/> is the IMAP subscription (LSUB); new folders are subscribed.
/// </summary>
public sealed record FolderInfo(
    long Id,
    string Name,
    int Total,
    int Unread,
    long UidValidity,
    long UidNext,
    long HighestModSeq,
    bool Subscribed = true);
