using System.Text;
using Carteiro.Core.Mailboxes;

namespace Carteiro.Protocols.Imap;

/// <summary>
/// Folder names as IMAP shows and takes them: the Inbox is <c>INBOX</c> (any case), the hierarchy
/// delimiter is <c>/</c>, and names outside ASCII travel in modified UTF-7 (RFC 3501 section 5.1.3).
/// </summary>
internal static class MailboxNames
{
    public const char Delimiter = '/';

    /// <summary>The folder an IMAP mailbox name means.</summary>
    public static string ToFolder(string mailbox)
    {
        string name = DecodeUtf7(mailbox);
        if (string.Equals(name, "INBOX", StringComparison.OrdinalIgnoreCase))
        {
            return FolderNames.Inbox;
        }

        if (name.StartsWith("INBOX/", StringComparison.OrdinalIgnoreCase))
        {
            return FolderNames.Inbox + name[5..];
        }

        return name;
    }

    /// <summary>The IMAP mailbox name of a folder.</summary>
    public static string ToMailbox(string folder)
    {
        if (string.Equals(folder, FolderNames.Inbox, StringComparison.OrdinalIgnoreCase))
        {
            return "INBOX";
        }

        if (folder.StartsWith(FolderNames.Inbox + "/", StringComparison.OrdinalIgnoreCase))
        {
            folder = "INBOX" + folder[5..];
        }

        return EncodeUtf7(folder);
    }

    /// <summary>
    /// True when <paramref name="mailbox"/> matches a LIST pattern: <c>*</c> matches anything,
    /// <c>%</c> anything but the delimiter (RFC 3501 section 6.3.8).
    /// </summary>
    public static bool Matches(string pattern, string mailbox)
    {
        // INBOX is matched without regard to case; every other name exactly.
        if (mailbox.StartsWith("INBOX", StringComparison.Ordinal) && pattern.StartsWith("inbox", StringComparison.OrdinalIgnoreCase))
        {
            pattern = "INBOX" + pattern[5..];
        }

        return Match(pattern.AsSpan(), mailbox.AsSpan());
    }

    private static bool Match(ReadOnlySpan<char> pattern, ReadOnlySpan<char> name)
    {
        while (!pattern.IsEmpty)
        {
            char p = pattern[0];
            if (p is '*' or '%')
            {
                var rest = pattern[1..];
                for (int i = 0; i <= name.Length; i++)
                {
                    if (Match(rest, name[i..]))
                    {
                        return true;
                    }

                    if (i < name.Length && p == '%' && name[i] == Delimiter)
                    {
                        return false;
                    }
                }

                return false;
            }

            if (name.IsEmpty || name[0] != p)
            {
                return false;
            }

            pattern = pattern[1..];
            name = name[1..];
        }

        return name.IsEmpty;
    }

    /// <summary>Encodes a name in modified UTF-7: printable ASCII as is ('&amp;' as "&amp;-"), the rest as modified base64.</summary>
    public static string EncodeUtf7(string name)
    {
        var output = new StringBuilder(name.Length);
        int i = 0;
        while (i < name.Length)
        {
            char c = name[i];
            if (c is >= ' ' and <= '~')
            {
                output.Append(c == '&' ? "&-" : c);
                i++;
                continue;
            }

            int start = i;
            while (i < name.Length && name[i] is not (>= ' ' and <= '~'))
            {
                i++;
            }

            var utf16 = new byte[(i - start) * 2];
            for (int k = 0; k < i - start; k++)
            {
                char u = name[start + k];
                utf16[2 * k] = (byte)(u >> 8);
                utf16[2 * k + 1] = (byte)u;
            }

            output.Append('&').Append(Convert.ToBase64String(utf16).TrimEnd('=').Replace('/', ',')).Append('-');
        }

        return output.ToString();
    }

    /// <summary>Decodes modified UTF-7; a name that is not valid modified UTF-7 is taken as it is.</summary>
    public static string DecodeUtf7(string mailbox)
    {
        if (!mailbox.Contains('&', StringComparison.Ordinal))
        {
            return mailbox;
        }

        var output = new StringBuilder(mailbox.Length);
        int i = 0;
        while (i < mailbox.Length)
        {
            char c = mailbox[i];
            if (c != '&')
            {
                output.Append(c);
                i++;
                continue;
            }

            int end = mailbox.IndexOf('-', i + 1);
            if (end < 0)
            {
                return mailbox;
            }

            if (end == i + 1)
            {
                output.Append('&');
                i = end + 1;
                continue;
            }

            string encoded = mailbox[(i + 1)..end].Replace(',', '/');
            encoded = encoded.PadRight(encoded.Length + (4 - encoded.Length % 4) % 4, '=');
            try
            {
                var utf16 = Convert.FromBase64String(encoded);
                for (int k = 0; k + 1 < utf16.Length; k += 2)
                {
                    output.Append((char)((utf16[k] << 8) | utf16[k + 1]));
                }
            }
            catch (FormatException)
            {
                return mailbox;
            }

            i = end + 1;
        }

        return output.ToString();
    }
}
