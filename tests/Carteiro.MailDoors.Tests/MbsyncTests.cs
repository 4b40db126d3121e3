using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Carteiro.Client;
using Carteiro.MailDoors.Tests.Support;
using Carteiro.TestKit;

namespace Carteiro.MailDoors.Tests;

/// <summary>
/// A real synchronising IMAP client, Debian's mbsync (package isync), copies a whole account out
/// to a local Maildir: every folder, every message byte for byte, flags in the file names; a second
/// run picks up what changed since. (.ci/run installs isync when mbsync is missing.)
/// </summary>
public sealed partial class MbsyncTests(MailFixture fixture) : IClassFixture<MailFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>One message as mbsync filed it: the Maildir folder, the flags of its name, its contents as the server stored them.</summary>
    private sealed record Filed(string Folder, string Flags, string Document, string FileName)
    {
        /// <summary>Gone from the server: mbsync marks its copy T (trashed) and, with Expunge None, keeps it.</summary>
        public bool Trashed => Flags.Contains('T', StringComparison.Ordinal);
    }

    [Fact]
    public async Task Mbsync_CopiesTheWholeAccountOut_ThenPicksUpNewMailAndNewFlags()
    {
        string alice = await fixture.UserAsync("alice");
        string bob = await fixture.UserAsync("bob");
        await using var alicesDevice = await fixture.NativeAsync(alice);
        await using var bobsDevice = await fixture.NativeAsync(bob);
        for (int i = 1; i <= 4; i++)
        {
            await alicesDevice.SendAsync(new OutgoingMail { To = [bob], Subject = $"to bob {i}", Body = $"number {i}\nOlá ✓\n.a dot line" }, Token);
        }

        for (int i = 1; i <= 2; i++)
        {
            await bobsDevice.SendAsync(new OutgoingMail { To = [alice], Subject = $"from bob {i}", Body = $"sent {i}" }, Token);
        }

        // Inbox: 1 and 2 (2 read); Projects: 3; Projects/2026: 4; Sent: bob's two; Trash: empty.
        var inbox = (await bobsDevice.ListAsync("Inbox", cancellationToken: Token)).Items.OrderBy(m => m.Uid).ToList();
        await bobsDevice.CreateFolderAsync("Projects", Token);
        await bobsDevice.CreateFolderAsync("Projects/2026", Token);
        await bobsDevice.MoveAsync(inbox[2].Id, "Projects", Token);
        await bobsDevice.MoveAsync(inbox[3].Id, "Projects/2026", Token);
        await bobsDevice.FlagAsync(inbox[1].Id, ["+seen"], Token);
        string home = Home(bob);
        string rc = await WriteConfigAsync(home, bob, "127.0.0.1", fixture.Server.Imap.Port, "None");

        await RunMbsyncAsync(home, rc);

        var filed = ReadMaildir(home);
        await AssertSameMessagesAsync(bobsDevice, filed, "Inbox", "Sent", "Trash", "Projects", "Projects/2026");
        Assert.Equal(6, filed.Count);
        byte[] first = await bobsDevice.RawAsync(inbox[0].Id, Token);
        byte[] second = await bobsDevice.RawAsync(inbox[1].Id, Token);
        Assert.Equal(("INBOX", ""), Where(FiledAs(filed, first)));
        Assert.Equal(("INBOX", "S"), Where(FiledAs(filed, second)));

        // Changes since: a new message, one flagged, one deleted to Trash.
        await alicesDevice.SendAsync(new OutgoingMail { To = [bob], Subject = "after the first run", Body = "new" }, Token);
        await bobsDevice.FlagAsync(inbox[0].Id, ["+flagged"], Token);
        await bobsDevice.DeleteAsync(inbox[1].Id, cancellationToken: Token);

        await RunMbsyncAsync(home, rc);

        var again = ReadMaildir(home);
        await AssertSameMessagesAsync(bobsDevice, again, "Inbox", "Sent", "Trash", "Projects", "Projects/2026");
        var newest = (await bobsDevice.ListAsync("Inbox", cancellationToken: Token)).Items.Single(m => m.Subject == "after the first run");
        Assert.Equal(("INBOX", ""), Where(FiledAs(again, await bobsDevice.RawAsync(newest.Id, Token))));
        Assert.Equal(("INBOX", "F"), Where(FiledAs(again, first)));
        Assert.Equal(("Trash", "S"), Where(FiledAs(again, second)));

        // With Expunge None the Inbox copy of the message now in Trash stays, marked trashed (T).
        Assert.Contains(again, f => f.Folder == "INBOX" && f.Flags == "ST" && f.Document == Encoding.UTF8.GetString(second));
        Assert.Equal(8, again.Count);
    }

    [Theory]
    [InlineData("IMAPS")]
    [InlineData("STARTTLS")]
    public async Task Mbsync_OverTls_ChecksTheServersCertificate(string tls)
    {
        string alice = await fixture.UserAsync("alice");
        string bob = await fixture.UserAsync("bob");
        await using var alicesDevice = await fixture.NativeAsync(alice);
        await using var bobsDevice = await fixture.NativeAsync(bob);
        for (int i = 1; i <= 3; i++)
        {
            await alicesDevice.SendAsync(new OutgoingMail { To = [bob], Subject = $"over {tls} {i}", Body = $"secret {i}" }, Token);
        }

        string home = Home(bob);
        int port = tls == "IMAPS" ? fixture.Server.Imaps.Port : fixture.Server.Imap.Port;
        string rc = await WriteConfigAsync(home, bob, "localhost", port, tls, fixture.Server.CertificatePath);

        await RunMbsyncAsync(home, rc);

        var filed = ReadMaildir(home);
        await AssertSameMessagesAsync(bobsDevice, filed, "Inbox", "Sent", "Trash");
        Assert.Equal(3, filed.Count);

        // Without the server's certificate to trust, mbsync refuses to go on, and copies nothing.
        string elsewhere = Home(bob + "-untrusting");
        string untrusting = await WriteConfigAsync(elsewhere, bob, "localhost", port, tls);
        var refused = await Tools.RunForExitCodeAsync("mbsync", new Dictionary<string, string> { ["HOME"] = elsewhere }, "--config", untrusting, "--all");
        Assert.True(refused.ExitCode != 0, $"mbsync should not trust a self-signed certificate it was not given: {refused.Output}");
        Assert.Empty(ReadMaildir(elsewhere));
    }

    private string Home(string user)
    {
        string home = Path.Combine(fixture.Server.DataPath, "mbsync-" + user);
        Directory.CreateDirectory(Path.Combine(home, "Mail"));
        return home;
    }

    // isync 1.5 renamed SSLType to TLSType (the old name is deprecated); 1.4 knows only SSLType.
    private static async Task<string> TlsKeywordAsync()
    {
        string version = await Tools.RunAsync("mbsync", "--version");
        var number = Regex.Match(version, @"(\d+)\.(\d+)");
        Assert.True(number.Success, $"mbsync --version said: {version}");
        var (major, minor) = (int.Parse(number.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(number.Groups[2].Value, CultureInfo.InvariantCulture));
        return major > 1 || (major == 1 && minor >= 5) ? "TLSType" : "SSLType";
    }

    private static async Task<string> WriteConfigAsync(string home, string user, string host, int port, string tls, string? certificate = null)
    {
        string mail = Path.Combine(home, "Mail");
        string rc = Path.Combine(home, "mbsyncrc");
        // A blank line would end the section: the certificate line is there only when there is one.
        string tlsLines = $"{await TlsKeywordAsync()} {tls}" + (certificate is null ? "" : $"\nCertificateFile \"{certificate}\"");
        await File.WriteAllTextAsync(rc, $"""
            IMAPAccount carteiro
            Host {host}
            Port {port}
            User {user}
            Pass "{Passwords.Default}"
            {tlsLines}
            AuthMechs LOGIN

            IMAPStore far
            Account carteiro

            MaildirStore near
            Path "{mail}/"
            Inbox "{mail}/INBOX"
            SubFolders Verbatim

            Channel everything
            Far :far:
            Near :near:
            Patterns *
            Create Near
            Sync Pull
            Expunge None
            SyncState *

            """, Token);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(rc, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return rc;
    }

    // Returns what mbsync printed (it says little unless something is wrong).
    private static Task<string> RunMbsyncAsync(string home, string rc) =>
        Tools.RunAsync("mbsync", new Dictionary<string, string> { ["HOME"] = home }, "--config", rc, "--all");

    // Every message file under the Maildir root: folder (INBOX, Projects/2026), flags after ":2,", contents.
    private static List<Filed> ReadMaildir(string home)
    {
        string root = Path.Combine(home, "Mail");
        var filed = new List<Filed>();
        foreach (string file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            string? box = Path.GetDirectoryName(file);
            if (Path.GetFileName(box) is not ("cur" or "new"))
            {
                continue;
            }

            string folder = Path.GetRelativePath(root, Path.GetDirectoryName(box)!).Replace(Path.DirectorySeparatorChar, '/');
            string name = Path.GetFileName(file);
            int info = name.IndexOf(":2,", StringComparison.Ordinal);
            string flags = info < 0 ? "" : name[(info + 3)..];
            filed.Add(new Filed(folder, flags, AsStored(File.ReadAllText(file, Encoding.UTF8)), name));
        }

        return filed;
    }

    // mbsync writes Maildir files with LF line ends and puts its own X-TUID header (its tracking id)
    // at the end of the header; the rest is the server's document.
    private static string AsStored(string file)
    {
        int headerEnd = file.IndexOf("\n\n", StringComparison.Ordinal);
        string header = headerEnd < 0 ? file : file[..(headerEnd + 1)];
        header = TrackingHeader().Replace(header, "", 1);
        string document = header + (headerEnd < 0 ? "" : file[(headerEnd + 1)..]);
        return document.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^X-TUID: [^\n]*\n", RegexOptions.Multiline)]
    private static partial Regex TrackingHeader();

    private static (string Folder, string Flags) Where(Filed filed) => (filed.Folder, filed.Flags);

    // The one live (not trashed) file holding this stored document.
    private static Filed FiledAs(List<Filed> filed, byte[] stored)
    {
        string document = Encoding.UTF8.GetString(stored);
        var matches = filed.Where(f => f.Document == document && !f.Trashed).ToList();
        Assert.True(matches.Count == 1, $"expected one file with this document, found {matches.Count}: {string.Join(", ", matches.Select(m => m.Folder + "/" + m.FileName))}");
        return matches[0];
    }

    // Each folder's live files hold exactly its stored documents, no more, no fewer.
    private static async Task AssertSameMessagesAsync(CarteiroClient device, List<Filed> filed, params string[] folders)
    {
        foreach (string folder in folders)
        {
            var stored = new List<string>();
            foreach (var message in (await device.ListAsync(folder, cancellationToken: Token)).Items)
            {
                stored.Add(Encoding.UTF8.GetString(await device.RawAsync(message.Id, Token)));
            }

            string maildir = folder == "Inbox" ? "INBOX" : folder;
            var copied = filed.Where(f => f.Folder == maildir && !f.Trashed).Select(f => f.Document);
            Assert.Equal(stored.Order(StringComparer.Ordinal), copied.Order(StringComparer.Ordinal));
        }

        var known = folders.Select(f => f == "Inbox" ? "INBOX" : f).ToHashSet(StringComparer.Ordinal);
        Assert.All(filed, f => Assert.Contains(f.Folder, known));
    }
}
