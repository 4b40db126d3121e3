using System.Text;
using Carteiro.Client;
using Carteiro.MailDoors.Tests.Support;
using Carteiro.TestKit;

namespace Carteiro.MailDoors.Tests;

/// <summary>
/// A real synchronising client, Debian's fetchmail, copies a mailbox out over POP3 with STLS and a
/// checked certificate: every message arrives whole, and a second run fetches nothing new.
/// </summary>
public sealed class FetchmailTests(MailFixture fixture) : IClassFixture<MailFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Fetchmail_CopiesTheInboxOut_ByteForByte_AndOnlyOnce()
    {
        string alice = await fixture.UserAsync("alice");
        string bob = await fixture.UserAsync("bob");
        await using (var alicesDevice = await fixture.NativeAsync(alice))
        {
            for (int i = 1; i <= 5; i++)
            {
                await alicesDevice.SendAsync(new OutgoingMail { To = [bob], Subject = $"to fetch {i}", Body = $"number {i}\n.dot line\nmore ✓" }, Token);
            }
        }

        string home = Path.Combine(fixture.Server.DataPath, "fetchmail-" + bob);
        string mailbox = Path.Combine(home, "out");
        Directory.CreateDirectory(mailbox);
        string rc = Path.Combine(home, "fetchmailrc");
        await File.WriteAllTextAsync(rc, $"""
            set no bouncemail
            poll localhost protocol pop3 port {fixture.Server.Pop3.Port} auth password uidl
              user "{bob}" there with password "{Passwords.Default}" is "{Environment.UserName}" here
              sslproto 'TLS1.2+' sslcertfile "{fixture.Server.CertificatePath}" sslcertck
              keep
              mda "/bin/sh -c 'cat > {mailbox}/message.$$'"
            """, Token);
        if (!OperatingSystem.IsWindows())
        {
            // fetchmail refuses a password file others can read.
            File.SetUnixFileMode(rc, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        var environment = new Dictionary<string, string> { ["HOME"] = home, ["FETCHMAILHOME"] = home };

        await Tools.RunAsync("fetchmail", environment, "--nodetach", "--fetchmailrc", rc);

        await using var bobsDevice = await fixture.NativeAsync(bob);
        var inbox = await bobsDevice.ListAsync("Inbox", cancellationToken: Token);
        var stored = new HashSet<string>();
        foreach (var message in inbox.Items)
        {
            stored.Add(Encoding.UTF8.GetString(await bobsDevice.RawAsync(message.Id, Token)));
        }

        var fetched = new HashSet<string>();
        foreach (string file in Directory.GetFiles(mailbox))
        {
            // fetchmail puts its own Received header on top and hands over LF line endings.
            var lines = (await File.ReadAllTextAsync(file, Token)).Split('\n').ToList();
            Assert.StartsWith("Received: ", lines[0]);
            lines.RemoveAt(0);
            while (lines[0].StartsWith('\t') || lines[0].StartsWith(' '))
            {
                lines.RemoveAt(0);
            }

            fetched.Add(string.Join('\n', lines).ReplaceLineEndings("\r\n"));
        }

        Assert.Equal(5, fetched.Count);
        Assert.Equal(stored, fetched);

        // The unique ids it remembers keep the second run from fetching anything again.
        var again = await Tools.RunForExitCodeAsync("fetchmail", environment, "--nodetach", "--fetchmailrc", rc);
        Assert.True(again.ExitCode == 1, $"fetchmail should find no new mail (exit 1), got {again.ExitCode}: {again.Errors}");
        Assert.Equal(5, Directory.GetFiles(mailbox).Length);
    }
}
