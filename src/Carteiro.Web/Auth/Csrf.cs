using System.Security.Cryptography;
using System.Text;

namespace Carteiro.Web.Auth;

/// <summary>
/// The anti-forgery value of a browser session: derived from the session token, which only the
/// browser's HttpOnly cookie holds, so another site can neither read nor compute it. Deriving it
/// rather than storing it keeps it valid across restarts and server nodes.
/// </summary>
internal static class Csrf
{
    public const string HeaderName = "X-Carteiro-Csrf";

    public static string For(string token)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes("carteiro-csrf\n" + token), digest);
        return Convert.ToBase64String(digest).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static bool Matches(string token, string? presented) =>
        presented is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(For(token)), Encoding.ASCII.GetBytes(presented));
}
