namespace Carteiro.Core.Accounts;

/// <summary>A user account as the rest of the server sees it.</summary>
public sealed record Account(long Id, string Name, bool IsAdmin, DateTimeOffset CreatedAt);

/// <summary>An account with its password hash, for sign-in only.</summary>
public sealed record AccountCredentials(Account Account, string PasswordHash);
