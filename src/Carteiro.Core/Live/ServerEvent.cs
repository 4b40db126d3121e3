using Carteiro.Core.Messages;

namespace Carteiro.Core.Live;

/// <summary>Something a session is told without asking. Each door renders events in its own syntax.</summary>
public abstract record ServerEvent;

/// <summary>A message was filed in one of the account's folders.</summary>
public sealed record MailArrived(MessageSummary Message) : ServerEvent;

/// <summary>One of the account's messages changed flags or folder.</summary>
/// <param name="Message">The entry after the change.</param>
/// <param name="FromFolder">The folder it left when it moved; null when it did not move.</param>
/// <param name="FromUid">Its UID in that folder.</param>
public sealed record MessageChanged(MessageSummary Message, string? FromFolder = null, long FromUid = 0) : ServerEvent;

/// <summary>One of the account's messages was deleted for good.</summary>
public sealed record MessageRemoved(long Id, string Folder, long Uid) : ServerEvent;

/// <summary>A user's first session opened or last session closed.</summary>
public sealed record PresenceChanged(string User, bool Online) : ServerEvent;
