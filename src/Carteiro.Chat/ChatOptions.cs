namespace Carteiro.Chat;

/// <summary>Where <c>carteiro chat</c> connects and how it signs in.</summary>
public sealed record ChatOptions
{
    /// <summary>The server's host name or address.</summary>
    public required string Host { get; init; }

    /// <summary>The server's native-protocol port.</summary>
    public required int Port { get; init; }

    /// <summary>The user to sign in as, or to prefill the sign-in form with.</summary>
    public string? User { get; init; }

    /// <summary>A password (from <c>CARTEIRO_PASSWORD</c>); with <see cref="User"/> it signs in without the form.</summary>
    public string? Password { get; init; }

    /// <summary>A saved login token; used when no password is given.</summary>
    public string? Token { get; init; }
}
