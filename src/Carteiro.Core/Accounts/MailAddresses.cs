namespace Carteiro.Core.Accounts;

/// <summary>
/// User names as mail addresses: user <c>bob</c> is <c>bob@DOMAIN</c> wherever a mail door shows or
/// takes an address, and <c>everyone@DOMAIN</c> is the broadcast address. The native door keeps
/// bare names.
/// </summary>
public static class MailAddresses
{
    /// <summary>The address of <paramref name="name"/>.</summary>
    public static string Of(string name, string domain) => $"{name}@{domain}";

    /// <summary>
    /// The user name in <paramref name="address"/> when it is an address of this server
    /// (<paramref name="domain"/>, without regard to case) with a well-formed name, or the
    /// broadcast name <c>everyone</c>.
    /// </summary>
    public static bool TryLocalName(string? address, string domain, out string name)
    {
        name = "";
        if (string.IsNullOrEmpty(address))
        {
            return false;
        }

        int at = address.LastIndexOf('@');
        if (at <= 0 || !address.AsSpan(at + 1).Equals(domain, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        string local = address[..at];
        if (!UserName.IsWellFormed(local))
        {
            return false;
        }

        name = local;
        return true;
    }
}
