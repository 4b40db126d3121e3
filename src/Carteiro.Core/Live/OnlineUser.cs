namespace Carteiro.Core.Live;

/// <summary>A user with at least one open session.</summary>
public sealed record OnlineUser(string Name, int Sessions, DateTimeOffset Since);
