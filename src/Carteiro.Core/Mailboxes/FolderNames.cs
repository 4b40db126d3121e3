namespace Carteiro.Core.Mailboxes;

/// <summary>The folders every account has. Names compare without regard to case.</summary>
public static class FolderNames
{
    /// <summary>Where received mail lands.</summary>
    public const string Inbox = "Inbox";

    /// <summary>The sender's copy of each message sent.</summary>
    public const string Sent = "Sent";

    /// <summary>Deleted mail, until deleted for good.</summary>
    public const string Trash = "Trash";

    /// <summary>The folders made with every account, in display order.</summary>
    public static IReadOnlyList<string> Standard { get; } = [Inbox, Sent, Trash];

    /// <summary>Returns the canonical spelling of a standard folder, or the name as given.</summary>
    public static string Canonical(string name)
    {
        foreach (var standard in Standard)
        {
            if (string.Equals(standard, name, StringComparison.OrdinalIgnoreCase))
            {
                return standard;
            }
        }

        return name;
    }
}
