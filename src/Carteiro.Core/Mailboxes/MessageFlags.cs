namespace Carteiro.Core.Mailboxes;

/// <summary>Per-entry flags, the IMAP system flags by another name.</summary>
[Flags]
public enum MessageFlags
{
    None = 0,
    Seen = 1,
    Answered = 2,
    Flagged = 4,
    Deleted = 8,
    Draft = 16,
}
