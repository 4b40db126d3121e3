namespace Carteiro.Web.Autoconfig;

/// <summary>How a mail door's listener is reached.</summary>
public enum MailSecurity
{
    /// <summary>TLS from the first byte (submissions, pop3s, imaps).</summary>
    ImplicitTls,

    /// <summary>Plain at first, upgraded with STARTTLS/STLS.</summary>
    StartTls,

    /// <summary>No TLS (passwords taken on loopback only, unless the operator allows them).</summary>
    None,
}

/// <summary>One listener of a standard mail door, as mail programs are told about it.</summary>
/// <param name="Protocol">smtp, pop3 or imap.</param>
/// <param name="Port">The bound port.</param>
/// <param name="Security">How the connection is secured.</param>
public sealed record MailListener(string Protocol, int Port, MailSecurity Security);

/// <summary>The server's mail listeners, filled in once they are bound (ports asked as 0 are known only then).</summary>
public sealed class MailListeners
{
    private volatile IReadOnlyList<MailListener> _all = [];

    public IReadOnlyList<MailListener> All => _all;

    public void Set(IReadOnlyList<MailListener> listeners) => _all = listeners;
}
