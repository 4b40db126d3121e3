using System.Security.Cryptography;
using System.Text;

namespace Carteiro.Core.Accounts;

/// <summary>
/// Saved-login tokens: 32 random bytes shown once to the client as <c>crt_…</c>; the server keeps
/// only their SHA-256, so a stolen database does not yield usable tokens.
/// </summary>
public static class AccessToken
{
    private const string Prefix = "crt_";

    /// <summary>Makes a new token.</summary>
    public static string Create()
    {
        Span<byte> bytes = stackalloc byte[32];
        RandomNumberGenerator.Fill(bytes);
        return Prefix + Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    /// <summary>The digest under which a token is stored and looked up.</summary>
    public static byte[] Digest(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>True when <paramref name="token"/> has the shape of a token.</summary>
    public static bool LooksValid(string? token) => token is { Length: > 20 and < 200 } && token.StartsWith(Prefix, StringComparison.Ordinal);
}
