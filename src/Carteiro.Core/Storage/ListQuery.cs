namespace Carteiro.Core.Storage;

/// <summary>Which page of a folder to list, newest first.</summary>
/// <param name="Folder">Folder name, without regard to case.</param>
/// <param name="Limit">Page size.</param>
/// <param name="Offset">Entries to skip.</param>
/// <param name="BeforeUid">Only entries with a smaller UID (keyset paging); null for the newest.</param>
/// <param name="UnreadOnly">Only entries without the Seen flag.</param>
public sealed record ListQuery(string Folder, int Limit = 50, int Offset = 0, long? BeforeUid = null, bool UnreadOnly = false);

/// <summary>A page of a folder and the folder's counts.</summary>
public sealed record MessagePage(Carteiro.Core.Mailboxes.FolderInfo Folder, IReadOnlyList<Carteiro.Core.Messages.MessageSummary> Items);

/// <summary>A full-text search: words (all must match, prefixes allowed with '*'), optionally in one folder.</summary>
public sealed record SearchQuery(string Text, string? Folder = null, int Limit = 50, int Offset = 0);
