using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Carteiro.Benchmarks.Imap;

/// <summary>
/// Seeds a Maildir++ folder with the <see cref="ImapCorpus"/> messages by writing the files
/// directly, as a delivery agent would, instead of through a server: appending 100,000 messages
/// to Dovecot over IMAP takes minutes, writing its files seconds. The files are what Dovecot
/// itself would have written for those APPENDs: LF line endings (its default, mail_save_crlf = no),
/// names <c>secs.M{n}P{pid}.host,S=size,W=size with CRLF:2,flags</c> in <c>cur/</c>, the flags
/// as Maildir letters. The names sort (seconds, then the M number) in corpus order, which is the
/// order Dovecot hands out UIDs in when it first lists the folder. No server is involved: Dovecot
/// indexes the folder on its first SELECT, which the benchmark reports as cold.
/// </summary>
internal static class ImapMaildir
{
    public static ImapBench.SeedResult Write(ImapBench.Settings settings)
    {
        if (string.IsNullOrEmpty(settings.Maildir))
        {
            throw new ArgumentException("the maildir scenario needs --maildir (the Maildir root, e.g. ~/Maildir)");
        }

        // Maildir++: INBOX is the root, any other folder a dot-named folder beside cur/new/tmp.
        bool inbox = settings.Folder.Equals("INBOX", StringComparison.OrdinalIgnoreCase);
        string folder = inbox ? settings.Maildir : Path.Combine(settings.Maildir, "." + settings.Folder);
        string cur = Path.Combine(folder, "cur");
        if (Directory.Exists(cur) && Directory.EnumerateFileSystemEntries(cur).Any())
        {
            // Mixing with what a server put there would leave the two servers holding different folders.
            throw new IOException($"{cur} is not empty: the maildir scenario seeds an empty folder");
        }

        foreach (string sub in new[] { "cur", "new", "tmp" })
        {
            Directory.CreateDirectory(Path.Combine(folder, sub));
        }

        if (!inbox)
        {
            // Marks a Maildir++ subfolder (Dovecot writes it when it creates one).
            File.WriteAllBytes(Path.Combine(folder, "maildirfolder"), []);
        }

        long seconds = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        int pid = Environment.ProcessId;
        long bytes = 0;
        var name = new StringBuilder(96);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < settings.Count; i++)
        {
            byte[] message = ImapCorpus.Message(i);
            byte[] stored = WithoutCarriageReturns(message);
            bytes += message.Length;
            name.Clear().Append(CultureInfo.InvariantCulture, $"{seconds}.M{i}P{pid}.carteiro-bench,S={stored.Length},W={message.Length}:2,")
                .Append(Letters(ImapCorpus.Flags(i)));
            File.WriteAllBytes(Path.Combine(cur, name.ToString()), stored);
        }

        double elapsed = clock.Elapsed.TotalSeconds;
        return new ImapBench.SeedResult(settings.Label, "maildir", settings.Count, settings.Count, bytes, elapsed, settings.Count / elapsed,
            LiteralPlus: false, Window: 0, ServerCpuMs: null, Connections: 0);
    }

    // Maildir's info letters, in ASCII order as the format requires: F (\Flagged), S (\Seen).
    private static string Letters(string flags) =>
        (flags.Contains("\\Flagged", StringComparison.Ordinal) ? "F" : "") + (flags.Contains("\\Seen", StringComparison.Ordinal) ? "S" : "");

    // The corpus is CRLF throughout; Dovecot stores LF and counts the CRLF size as W=.
    private static byte[] WithoutCarriageReturns(byte[] message)
    {
        var stored = new byte[message.Length - message.AsSpan().Count((byte)'\r')];
        int at = 0;
        foreach (byte b in message)
        {
            if (b != '\r')
            {
                stored[at++] = b;
            }
        }

        return stored;
    }
}
