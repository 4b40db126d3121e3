using System.Text;
using Carteiro.Client;
using Carteiro.MailDoors.Tests.Support;
using Carteiro.TestKit;
using MailKit;
using MailKit.Net.Pop3;
using MailKit.Security;

namespace Carteiro.MailDoors.Tests;

/// <summary>POP3 with MailKit's Pop3Client and as bytes on a socket.</summary>
public sealed class Pop3Tests(MailFixture fixture) : IClassFixture<MailFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    // bob's Inbox gets the given subjects from alice, oldest first.
    private async Task<(string Bob, CarteiroClient BobsDevice)> InboxWithAsync(params string[] subjects)
    {
        string alice = await fixture.UserAsync("alice");
        string bob = await fixture.UserAsync("bob");
        await using var alicesDevice = await fixture.NativeAsync(alice);
        foreach (string subject in subjects)
        {
            await alicesDevice.SendAsync(new OutgoingMail { To = [bob], Subject = subject, Body = $"Body of {subject}\n.a line with a leading dot\nend" }, Token);
        }

        return (bob, await fixture.NativeAsync(bob));
    }

    private Task<Pop3Client> Pop3Async(string user, SecureSocketOptions security = SecureSocketOptions.None) => fixture.Pop3Async(user, security);

    [Fact]
    public async Task MailKit_ListsRetrievesAndDeletes_OldestFirst_DeletingOnlyAtQuit()
    {
        var (bob, bobsDevice) = await InboxWithAsync("first", "second", "third");
        await using (bobsDevice)
        {
            using var pop3 = await Pop3Async(bob);

            Assert.Equal(3, pop3.Count);
            var uids = await pop3.GetMessageUidsAsync(Token);
            Assert.Equal(3, uids.Distinct().Count());
            var inbox = await bobsDevice.ListAsync("Inbox", cancellationToken: Token);
            var sizes = await pop3.GetMessageSizesAsync(Token);
            Assert.Equal(inbox.Items.OrderBy(m => m.Uid).Select(m => (int)m.Size), sizes);
            var first = await pop3.GetMessageAsync(0, Token);
            Assert.Equal("first", first.Subject);
            Assert.Equal("Body of first\n.a line with a leading dot\nend", first.TextBody?.Trim().ReplaceLineEndings("\n") ?? "");

            // The bytes after dot-unstuffing are the stored document's.
            var oldest = inbox.Items.OrderBy(m => m.Uid).First();
            using var raw = await pop3.GetStreamAsync(0, cancellationToken: Token);
            using var copy = new MemoryStream();
            await raw.CopyToAsync(copy, Token);
            Assert.Equal(await bobsDevice.RawAsync(oldest.Id, Token), copy.ToArray());

            // RETR marks it read for every door.
            Assert.True((await bobsDevice.ListAsync("Inbox", cancellationToken: Token)).Items.Single(m => m.Id == oldest.Id).Seen);

            await pop3.DeleteMessageAsync(1, Token);
            Assert.Equal(3, (await bobsDevice.ListAsync("Inbox", cancellationToken: Token)).Items.Count);
            await pop3.DisconnectAsync(quit: true, Token);

            var left = await bobsDevice.ListAsync("Inbox", cancellationToken: Token);
            Assert.Equal(["third", "first"], left.Items.Select(m => m.Subject));
        }
    }

    [Fact]
    public async Task ReadAndDeleteOverPop3_AreSeenLive_ByTheOtherDoors()
    {
        var (bob, bobsDevice) = await InboxWithAsync("read here, gone there");
        await using (bobsDevice)
        {
            long id = (await bobsDevice.ListAsync("Inbox", cancellationToken: Token)).Items.Single().Id;
            using var pop3 = await Pop3Async(bob);

            await pop3.GetMessageAsync(0, Token);
            var seen = await ClientEvents.NextAsync<UpdateEvent>(bobsDevice, e => e.Message.Id == id, TimeSpan.FromSeconds(10));
            Assert.True(seen.Message.Seen);

            await pop3.DeleteMessageAsync(0, Token);
            await pop3.DisconnectAsync(quit: true, Token);
            var removed = await ClientEvents.NextAsync<RemovedEvent>(bobsDevice, e => e.Id == id, TimeSpan.FromSeconds(10));
            Assert.Equal("Inbox", removed.Folder);
        }
    }

    [Theory]
    [InlineData(SecureSocketOptions.StartTls)]
    [InlineData(SecureSocketOptions.SslOnConnect)]
    public async Task Tls_StlsAndImplicit(SecureSocketOptions security)
    {
        var (bob, bobsDevice) = await InboxWithAsync("secure");
        await using (bobsDevice)
        {
            using var pop3 = await Pop3Async(bob, security);

            Assert.True(pop3.IsSecure);
            Assert.Equal("secure", (await pop3.GetMessageAsync(0, Token)).Subject);
            await pop3.DisconnectAsync(true, Token);
        }
    }

    [Fact]
    public async Task Maildrop_IsLocked_WhileASessionHasIt_AndADroppedSessionDeletesNothing()
    {
        var (bob, bobsDevice) = await InboxWithAsync("keep me");
        await using (bobsDevice)
        {
            var first = await Pop3Async(bob);
            await first.DeleteMessageAsync(0, Token);

            await Assert.ThrowsAsync<AuthenticationException>(() => Pop3Async(bob));
            await using (var raw = await RawConnection.ConnectAsync(fixture.Server.Pop3))
            {
                await raw.SendAsync($"USER {bob}\r\nPASS {Passwords.Default}");
                Assert.StartsWith("+OK", await raw.ReadLineAsync());
                Assert.StartsWith("-ERR [IN-USE]", await raw.ReadLineAsync());
            }

            // Gone without QUIT: the mark is forgotten, the lock released.
            await first.DisconnectAsync(quit: false, Token);
            first.Dispose();
            using var second = await WaitForUnlockAsync(bob);
            Assert.Equal(1, second.Count);
            Assert.Single((await bobsDevice.ListAsync("Inbox", cancellationToken: Token)).Items);
        }
    }

    // The server sees the dropped connection a moment after the client does.
    private async Task<Pop3Client> WaitForUnlockAsync(string user)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                return await Pop3Async(user);
            }
            catch (AuthenticationException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50, Token);
            }
        }
    }

    [Fact]
    public async Task Raw_CapaTopUidlAndOrder()
    {
        var (bob, bobsDevice) = await InboxWithAsync("one", "two");
        await using (bobsDevice)
        await using (var pop3 = await RawConnection.ConnectAsync(fixture.Server.Pop3))
        {
            async Task<string> Ask(string command)
            {
                await pop3.SendAsync(command);
                return await pop3.ReadLineAsync() ?? "";
            }

            Assert.StartsWith("+OK", pop3.Greeting);
            async Task<List<string>> Lines(string command)
            {
                // A multi-line answer ends with a line that is exactly "."; other lines may start with one.
                await pop3.SendAsync(command);
                var lines = new List<string>();
                string? line;
                do
                {
                    line = await pop3.ReadLineAsync() ?? throw new IOException("closed");
                    lines.Add(line);
                }
                while (line != ".");
                return lines;
            }

            var capabilities = await Lines("CAPA");
            Assert.Equal(["+OK capabilities follow", "TOP", "UIDL", "RESP-CODES", "PIPELINING", "AUTH-RESP-CODE", "USER", "SASL PLAIN", "STLS", "IMPLEMENTATION Carteiro", "."], capabilities);
            Assert.StartsWith("-ERR", await Ask("STAT"));
            Assert.StartsWith("-ERR USER first", await Ask("PASS x"));
            Assert.StartsWith("+OK", await Ask("USER " + fixture.Address(bob)));
            Assert.StartsWith("-ERR [AUTH]", await Ask("PASS wrong"));
            Assert.StartsWith("+ ", await Ask("AUTH PLAIN"));
            Assert.StartsWith("+OK", await Ask(Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{bob}\0{Passwords.Default}"))));

            Assert.Matches(@"^\+OK 2 \d+$", await Ask("STAT"));
            var top = await Lines("TOP 2 0");
            Assert.Contains("Subject: two", top);
            Assert.Equal("", top[^2]);
            Assert.DoesNotContain(top, l => l.StartsWith("Body of", StringComparison.Ordinal));
            var topTwo = await Lines("TOP 1 2");
            Assert.Equal(["Body of one", "..a line with a leading dot", "."], topTwo[^3..]);

            var uidl = await Lines("UIDL");
            Assert.Equal(4, uidl.Count);
            Assert.Matches(@"^1 \d+\.\d+$", uidl[1]);
            Assert.StartsWith("-ERR no message 3", await Ask("RETR 3"));
            Assert.StartsWith("+OK", await Ask("DELE 2"));
            Assert.StartsWith("-ERR no message 2", await Ask("DELE 2"));
            Assert.StartsWith("+OK 1 ", await Ask("STAT"));
            Assert.StartsWith("+OK", await Ask("RSET"));
            Assert.StartsWith("+OK 2 ", await Ask("STAT"));
            Assert.StartsWith("+OK", await Ask("QUIT"));
            Assert.True(await pop3.WaitClosedAsync(TimeSpan.FromSeconds(10)));
        }
    }

    [Fact]
    public async Task Raw_HugeLine_IsRefused_AndTheSessionGoesOn()
    {
        await using var pop3 = await RawConnection.ConnectAsync(fixture.Server.Pop3);
        byte[] junk = new byte[10 * 1024 * 1024];
        junk.AsSpan().Fill((byte)'U');

        await pop3.SendBytesAsync(junk);
        await pop3.SendAsync("");

        Assert.StartsWith("-ERR line too long", await pop3.ReadLineAsync());
        await pop3.SendAsync("CAPA");
        Assert.Equal("+OK capabilities follow", await pop3.ReadLineAsync());
    }

    [Fact]
    public async Task PlainTextOnTheImplicitTlsPorts_IsDropped_WithoutHarm()
    {
        foreach (var endpoint in new[] { fixture.Server.Pop3s, fixture.Server.Submissions })
        {
            await using var confused = await RawConnection.ConnectAsync(endpoint, readGreeting: false);
            await confused.SendAsync("USER bob\r\nEHLO me");
            Assert.True(await confused.WaitClosedAsync(TimeSpan.FromSeconds(20)), $"{endpoint} kept a connection that never spoke TLS");
        }

        var (bob, bobsDevice) = await InboxWithAsync("still fine");
        await using (bobsDevice)
        {
            using var pop3 = await Pop3Async(bob, SecureSocketOptions.SslOnConnect);
            Assert.Equal(1, pop3.Count);
        }
    }

    [Fact]
    public async Task Raw_ManyBadCommands_EndTheSession()
    {
        await using var pop3 = await RawConnection.ConnectAsync(fixture.Server.Pop3);
        for (int i = 0; i < 10; i++)
        {
            await pop3.SendAsync("FROB");
            Assert.StartsWith("-ERR unknown command FROB", await pop3.ReadLineAsync());
        }

        Assert.StartsWith("-ERR too many errors", await pop3.ReadLineAsync());
        Assert.True(await pop3.WaitClosedAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task PythonPoplib_AndCurl_ReadTheMaildrop()
    {
        var (bob, bobsDevice) = await InboxWithAsync("for poplib");
        await using (bobsDevice)
        {
            const string Script = """
                import poplib, ssl, sys
                host, port, tls_port, cafile, user, password = sys.argv[1:7]
                context = ssl.create_default_context(cafile=cafile)
                p = poplib.POP3(host, int(port), timeout=10)
                p.stls(context=context)
                p.user(user); p.pass_(password)
                count, size = p.stat()
                lines = p.retr(1)[1]
                print(count, [l.decode() for l in lines if l.startswith(b'Subject:')][0])
                p.quit()
                s = poplib.POP3_SSL(host, int(tls_port), context=context, timeout=10)
                s.user(user); s.pass_(password)
                print(s.uidl()[1][0].decode())
                s.quit()
                """;
            string output = await Tools.RunAsync("python3", "-c", Script, "localhost", Tools.Port(fixture.Server.Pop3), Tools.Port(fixture.Server.Pop3s),
                fixture.Server.CertificatePath, bob, Passwords.Default);
            Assert.StartsWith("1 Subject: for poplib\n1 ", output.ReplaceLineEndings("\n"));

            int port = fixture.Server.Pop3.Port;
            string listing = await Tools.RunAsync("curl", "--silent", "--show-error", "--url", $"pop3://localhost:{port}/", "--resolve", $"localhost:{port}:127.0.0.1",
                "--ssl-reqd", "--cacert", fixture.Server.CertificatePath, "--user", $"{bob}:{Passwords.Default}");
            Assert.Matches(@"^1 \d+\r?\n$", listing);
            string message = await Tools.RunAsync("curl", "--silent", "--show-error", "--url", $"pop3://localhost:{port}/1", "--resolve", $"localhost:{port}:127.0.0.1",
                "--ssl-reqd", "--cacert", fixture.Server.CertificatePath, "--user", $"{bob}:{Passwords.Default}");
            Assert.Contains("Subject: for poplib", message, StringComparison.Ordinal);
        }
    }
}
