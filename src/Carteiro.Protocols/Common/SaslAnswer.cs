using System.Text;

namespace Carteiro.Protocols.Common;

/// <summary>A client's SASL answer in the mail doors: base64 ("=" for empty), and PLAIN's three parts (RFC 4616).</summary>
internal static class SaslAnswer
{
    /// <summary>Decodes a base64 answer; false when it is not base64.</summary>
    public static bool TryDecode(string text, out byte[] bytes)
    {
        bytes = [];
        if (text == "=")
        {
            return true;
        }

        try
        {
            bytes = Convert.FromBase64String(text);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>PLAIN: authorization identity, NUL, user, NUL, password; false when it is not that shape.</summary>
    public static bool TryParsePlain(byte[] answer, out string authorizationId, out string user, out string password)
    {
        string[] parts = Encoding.UTF8.GetString(answer).Split('\0');
        bool ok = parts.Length == 3 && parts[1].Length > 0;
        (authorizationId, user, password) = ok ? (parts[0], parts[1], parts[2]) : ("", "", "");
        return ok;
    }
}
