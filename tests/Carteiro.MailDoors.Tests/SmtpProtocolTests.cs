using System.Text;
using Carteiro.Client;
using Carteiro.MailDoors.Tests.Support;
using Carteiro.TestKit;

namespace Carteiro.MailDoors.Tests;

/// <summary>
/// SMTP as bytes on a socket: what the server completes in a submitted document, pipelining,
/// CHUNKING, STARTTLS hygiene, and misbehaving clients that must not hurt anyone else.
/// </summary>
public sealed class SmtpProtocolTests(MailFixture fixture) : IClassFixture<MailFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string Plain(string user) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0{Passwords.Default}"));

    private async Task<RawConnection> SignedInAsync(string user)
    {
        var smtp = await RawConnection.ConnectAsync(fixture.Server.Smtp);
        await smtp.SendAsync("EHLO test.example");
        await smtp.ReadUntilAsync("250 ");
        await smtp.SendAsync("AUTH PLAIN " + Plain(user));
        Assert.StartsWith("235 2.7.0", await smtp.ReadLineAsync());
        return smtp;
    }

    [Fact]
    public async Task Greeting_AndEhlo_NameTheExtensions()
    {
        await using var smtp = await RawConnection.ConnectAsync(fixture.Server.Smtp);

        Assert.StartsWith("220 localhost ESMTP", smtp.Greeting);
        await smtp.SendAsync("EHLO client.example");
        var lines = await smtp.ReadUntilAsync("250 ");

        string[] keywords = [.. lines.Skip(1).Select(l => l[4..])];
        Assert.Equal(["PIPELINING", $"SIZE {fixture.Server.Options.MaxMessageSize}", "8BITMIME", "SMTPUTF8", "ENHANCEDSTATUSCODES", "CHUNKING", "STARTTLS", "AUTH PLAIN LOGIN"], keywords);
    }

    [Fact]
    public async Task MissingFromDateAndMessageId_AreAdded_AndTheRestIsStoredByteForByte()
    {
        string alice = await fixture.UserAsync("alice");
        string bob = await fixture.UserAsync("bob");
        await using var bobsDevice = await fixture.NativeAsync(bob);
        await using var smtp = await SignedInAsync(alice);
        const string Document = "To: someone\r\nSubject: bare\r\nX-Note: kept as is\r\n\r\n..starts with a dot\r\nline two\r\n";

        // One write: the whole transaction pipelined (RFC 2920), the data dot-stuffed.
        await smtp.SendAsync($"MAIL FROM:<{fixture.Address(alice)}>\r\nRCPT TO:<{fixture.Address(bob)}>\r\nDATA", line: true);
        Assert.Equal("250 2.1.0 Ok", await smtp.ReadLineAsync());
        Assert.Equal("250 2.1.5 Ok", await smtp.ReadLineAsync());
        Assert.StartsWith("354 ", await smtp.ReadLineAsync());
        await smtp.SendAsync("To: someone\r\nSubject: bare\r\nX-Note: kept as is\r\n\r\n...starts with a dot\r\nline two\r\n.", line: true);
        Assert.StartsWith("250 2.0.0 Ok: stored as message", await smtp.ReadLineAsync());

        var arrived = await ClientEvents.NextAsync<MailEvent>(bobsDevice, e => e.Message.Subject == "bare", Patience);
        string stored = Encoding.UTF8.GetString(await bobsDevice.RawAsync(arrived.Message.Id, Token));
        Assert.EndsWith(Document, stored, StringComparison.Ordinal);
        string added = stored[..^Document.Length];
        Assert.Matches($"^From: {alice} <{fixture.Address(alice)}>\r\nDate: [^\r\n]+\r\nMessage-ID: <[0-9a-f]{{32}}@localhost>\r\n$", added);

        // The envelope decides who gets it: bob is not in the To header, so he is a blind copy,
        // which only the sender sees.
        Assert.Empty(arrived.Message.To);
        Assert.Empty(arrived.Message.Bcc);
        await using var alicesDevice = await fixture.NativeAsync(alice);
        var sent = Assert.Single((await alicesDevice.ListAsync("Sent", cancellationToken: Token)).Items);
        Assert.Equal([bob], sent.Bcc);
    }

    [Fact]
    public async Task DotStuffedData_SplitAnywhereOnTheWay_IsStoredExactly()
    {
        string alice = await fixture.UserAsync("alice");
        string bob = await fixture.UserAsync("bob");
        await using var bobsDevice = await fixture.NativeAsync(bob);
        await using var smtp = await SignedInAsync(alice);

        // Lines that start with dots (one, two, alone but not the end), a CR alone after a dot,
        // lines ended by LF alone, and one long line: every byte may arrive in a segment of its own.
        var document = new StringBuilder($"From: {fixture.Address(alice)}\r\nSubject: dots everywhere\r\nMessage-ID: <dots@example>\r\nDate: Thu, 26 Nov 2026 10:00:00 +0000\r\n\r\n");
        var random = new Random(5321);
        for (int i = 0; i < 400; i++)
        {
            document.Append((i % 7) switch
            {
                0 => ".",
                1 => "..",
                2 => ".\rnot the end",
                3 => ". not the end either",
                4 => new string('x', random.Next(0, 3000)),
                5 => "",
                _ => $"line {i}",
            });
            document.Append(i % 11 == 0 ? "\n" : "\r\n");
        }

        string expected = document.ToString();
        string stuffed = string.Join("", expected.Split('\n').Select((line, i) => (i == 0 || line.Length == 0 || line[0] != '.' ? line : "." + line) + "\n"))[..^1];
        byte[] data = Encoding.ASCII.GetBytes(stuffed + ".\r\n");

        await smtp.SendAsync($"MAIL FROM:<{fixture.Address(alice)}>\r\nRCPT TO:<{fixture.Address(bob)}>\r\nDATA", line: true);
        Assert.Equal("250 2.1.0 Ok", await smtp.ReadLineAsync());
        Assert.Equal("250 2.1.5 Ok", await smtp.ReadLineAsync());
        Assert.StartsWith("354 ", await smtp.ReadLineAsync());
        // The bytes stop right after each dot that starts a line, and after a CR that follows
        // one, and wait there a moment, so that the server sees those dots with nothing after
        // them yet; elsewhere they stop at random.
        var stops = new SortedSet<int>();
        for (int k = 0; k < data.Length - 1; k++)
        {
            if (data[k] == (byte)'.' && (k == 0 || data[k - 1] == (byte)'\n'))
            {
                stops.Add(k + 1);
                if (data[k + 1] == (byte)'\r')
                {
                    stops.Add(k + 2);
                }
            }
        }

        for (int k = random.Next(1, 3000); k < data.Length; k += random.Next(1, 3000))
        {
            stops.Add(k);
        }

        int from = 0;
        foreach (int stop in stops.Append(data.Length))
        {
            await smtp.SendBytesAsync(data.AsMemory(from, stop - from));
            from = stop;
            await Task.Delay(1, Token);
        }

        Assert.StartsWith("250 2.0.0 Ok: stored as message", await smtp.ReadLineAsync());
        var arrived = await ClientEvents.NextAsync<MailEvent>(bobsDevice, e => e.Message.Subject == "dots everywhere", Patience);
        Assert.Equal(expected, Encoding.ASCII.GetString(await bobsDevice.RawAsync(arrived.Message.Id, Token)));
    }

    [Fact]
    public async Task Chunking_BdatChunks_MakeOneMessage()
    {
        string alice = await fixture.UserAsync("alice");
        await using var alicesDevice = await fixture.NativeAsync(alice);
        await using var smtp = await SignedInAsync(alice);
        byte[] first = Encoding.ASCII.GetBytes($"From: {fixture.Address(alice)}\r\nSubject: in two chunks\r\n\r\nfirst half, ");
        byte[] second = Encoding.ASCII.GetBytes("second half\r\n.not a terminator\r\n");

        await smtp.SendAsync($"MAIL FROM:<{fixture.Address(alice)}> BODY=8BITMIME");
        await smtp.SendAsync($"RCPT TO:<{fixture.Address(alice)}>");
        await smtp.SendAsync($"BDAT {first.Length}", line: true);
        await smtp.SendBytesAsync(first);
        await smtp.SendAsync($"BDAT {second.Length} LAST", line: true);
        await smtp.SendBytesAsync(second);

        Assert.Equal("250 2.1.0 Ok", await smtp.ReadLineAsync());
        Assert.Equal("250 2.1.5 Ok", await smtp.ReadLineAsync());
        Assert.Equal($"250 2.0.0 {first.Length} octets received", await smtp.ReadLineAsync());
        Assert.StartsWith("250 2.0.0 Ok: stored as message", await smtp.ReadLineAsync());
        var inbox = await alicesDevice.ListAsync("Inbox", cancellationToken: Token);
        var message = Assert.Single(inbox.Items);
        string stored = Encoding.UTF8.GetString(await alicesDevice.RawAsync(message.Id, Token));
        Assert.EndsWith("first half, second half\r\n.not a terminator\r\n", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HugeCommandLine_IsRefused_WithoutHarm_AndTheSessionGoesOn()
    {
        string alice = await fixture.UserAsync("alice");
        string bob = await fixture.UserAsync("bob");
        await using var bobsDevice = await fixture.NativeAsync(bob);
        await using var abuser = await RawConnection.ConnectAsync(fixture.Server.Smtp);

        // 10 MiB without a line end, then the end of the line.
        byte[] junk = new byte[10 * 1024 * 1024];
        junk.AsSpan().Fill((byte)'A');
        var flood = abuser.SendBytesAsync(junk);

        // Meanwhile someone else submits as usual.
        await using (var smtp = await SignedInAsync(alice))
        {
            await smtp.SendAsync($"MAIL FROM:<{fixture.Address(alice)}>\r\nRCPT TO:<{fixture.Address(bob)}>\r\nDATA");
            await smtp.ReadLineAsync();
            await smtp.ReadLineAsync();
            await smtp.ReadLineAsync();
            await smtp.SendAsync("Subject: unharmed\r\n\r\nfine\r\n.");
            Assert.StartsWith("250 2.0.0", await smtp.ReadLineAsync());
        }

        await flood;
        await abuser.SendAsync("");
        Assert.StartsWith("500 5.5.2 Line too long", await abuser.ReadLineAsync());
        await abuser.SendAsync("NOOP");
        Assert.Equal("250 2.0.0 Ok", await abuser.ReadLineAsync());
        await ClientEvents.NextAsync<MailEvent>(bobsDevice, e => e.Message.Subject == "unharmed", Patience);
    }

    [Fact]
    public async Task ManyBadCommands_EndTheSession_421()
    {
        await using var smtp = await RawConnection.ConnectAsync(fixture.Server.Smtp);

        var replies = new List<string>();
        for (int i = 0; i < 10; i++)
        {
            await smtp.SendAsync("WHATEVER " + i);
            replies.Add(await smtp.ReadLineAsync() ?? "");
        }

        Assert.All(replies, r => Assert.StartsWith("500 5.5.1 Command not recognized", r));
        Assert.StartsWith("421 4.7.0", await smtp.ReadLineAsync());
        Assert.True(await smtp.WaitClosedAsync(Patience));
    }

    [Fact]
    public async Task OrderAndArguments_AreChecked_WithEnhancedCodes()
    {
        string alice = await fixture.UserAsync("alice");
        await using var smtp = await RawConnection.ConnectAsync(fixture.Server.Smtp);

        Func<string, Task<string>> ask = async command =>
        {
            await smtp.SendAsync(command);
            return await smtp.ReadLineAsync() ?? "";
        };

        Assert.StartsWith("503 5.5.1 Say EHLO first", await ask($"MAIL FROM:<{fixture.Address(alice)}>"));
        Assert.StartsWith("501 5.5.4", await ask("EHLO"));
        await smtp.SendAsync("EHLO client");
        await smtp.ReadUntilAsync("250 ");
        Assert.StartsWith("530 5.7.0", await ask($"MAIL FROM:<{fixture.Address(alice)}>"));
        Assert.StartsWith("504 5.5.4", await ask("AUTH CRAM-MD5"));
        Assert.StartsWith("501 5.5.2", await ask("AUTH PLAIN not-base64!"));
        Assert.StartsWith("334 ", await ask("AUTH LOGIN"));
        Assert.StartsWith("334 ", await ask(Convert.ToBase64String(Encoding.UTF8.GetBytes(alice))));
        Assert.StartsWith("235 2.7.0", await ask(Convert.ToBase64String(Encoding.UTF8.GetBytes(Passwords.Default))));
        Assert.StartsWith("503 5.5.1 Need MAIL", await ask($"RCPT TO:<{fixture.Address(alice)}>"));
        Assert.StartsWith("503 5.5.1 Need MAIL", await ask("DATA"));
        Assert.StartsWith("552 5.3.4", await ask($"MAIL FROM:<{fixture.Address(alice)}> SIZE={fixture.Server.Options.MaxMessageSize + 1}"));
        Assert.StartsWith("555 5.5.4", await ask($"MAIL FROM:<{fixture.Address(alice)}> FRUIT=apple"));

        // Nine mistakes so far; the tenth would end the session (see ManyBadCommands), so the rest
        // goes on a fresh connection.
        await smtp.SendAsync("QUIT");
        await using var second = await RawConnection.ConnectAsync(fixture.Server.Smtp);
        await second.SendAsync("EHLO client\r\nAUTH PLAIN " + Plain(alice));
        await second.ReadUntilAsync("250 ");
        Assert.StartsWith("235", await second.ReadLineAsync());
        async Task<string> askAgain(string command)
        {
            await second.SendAsync(command);
            return await second.ReadLineAsync() ?? "";
        }

        ask = askAgain;
        Assert.StartsWith("250 2.1.0", await ask($"MAIL FROM:<{fixture.Address(alice)}>"));
        Assert.StartsWith("503 5.5.1 Nested MAIL", await ask($"MAIL FROM:<{fixture.Address(alice)}>"));
        Assert.StartsWith("554 5.5.1 No valid recipients", await ask("DATA"));
        Assert.StartsWith("550 5.1.1", await ask("RCPT TO:<someone@elsewhere.example>"));
        Assert.StartsWith("250 2.0.0", await ask("RSET"));
        Assert.StartsWith("252 2.5.2", await ask("VRFY alice"));
        Assert.StartsWith("221 2.0.0", await ask("QUIT"));
        Assert.True(await second.WaitClosedAsync(Patience));
    }

    [Fact]
    public async Task StartTls_DropsWhatWasPipelinedInTheClear_AndForgetsTheGreeting()
    {
        await using var raw = await RawConnection.ConnectAsync(fixture.Server.Smtp);
        await raw.SendAsync("EHLO client");
        await raw.ReadUntilAsync("250 ");

        // An injected command after STARTTLS in the same packet must never be answered.
        await raw.SendAsync("STARTTLS\r\nNOOP");
        Assert.Equal("220 2.0.0 Ready to start TLS", await raw.ReadLineAsync());

        await using var tls = await raw.UpgradeToTlsAsync(fixture.Server.Certificate);
        var reader = new StreamReader(tls, Encoding.ASCII);
        await tls.WriteAsync(Encoding.ASCII.GetBytes("MAIL FROM:<x@localhost>\r\nEHLO client\r\n"), Token);
        Assert.Equal("503 5.5.1 Say EHLO first", await reader.ReadLineAsync(Token));
        string? first = await reader.ReadLineAsync(Token);
        Assert.StartsWith("250-localhost greets client", first);
        var rest = new List<string>();
        string? line;
        while ((line = await reader.ReadLineAsync(Token)) is not null && line.StartsWith("250-", StringComparison.Ordinal))
        {
            rest.Add(line);
        }

        Assert.DoesNotContain("250-STARTTLS", rest);
        Assert.Equal("250 AUTH PLAIN LOGIN", line);
    }

    [Fact]
    public async Task SlowClient_OneByteASecond_DoesNotHoldUpOthers()
    {
        string alice = await fixture.UserAsync("alice");
        await using var alicesDevice = await fixture.NativeAsync(alice);
        await using var slow = await RawConnection.ConnectAsync(fixture.Server.Smtp);
        using var stop = new CancellationTokenSource();
        var dribble = Task.Run(async () =>
        {
            foreach (byte b in "EHLO slowly.example\r\n"u8.ToArray())
            {
                await slow.SendBytesAsync(new[] { b });
                await Task.Delay(1000, stop.Token);
            }
        }, Token);

        // While it dribbles, three people submit one after another.
        for (int i = 0; i < 3; i++)
        {
            await using var smtp = await SignedInAsync(alice);
            await smtp.SendAsync($"MAIL FROM:<{fixture.Address(alice)}>\r\nRCPT TO:<{fixture.Address(alice)}>\r\nDATA");
            await smtp.ReadLineAsync();
            await smtp.ReadLineAsync();
            Assert.StartsWith("354", await smtp.ReadLineAsync());
            await smtp.SendAsync($"Subject: while slow {i}\r\n\r\nx\r\n.");
            Assert.StartsWith("250 2.0.0", await smtp.ReadLineAsync());
        }

        Assert.False(dribble.IsCompleted, "the slow client should still be dribbling");
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => dribble);
        Assert.Equal(3, (await alicesDevice.ListAsync("Inbox", cancellationToken: Token)).Items.Count);
    }
}

/// <summary>Limits on a server that takes messages of at most 64 KiB and 4 connections per address.</summary>
public sealed class SmtpSizeLimitTests(SmallMessagesFixture fixture) : IClassFixture<SmallMessagesFixture>
{
    [Fact]
    public async Task ConnectionsPastThePerAddressCap_AreTurnedAway_ByEveryMailDoor()
    {
        var held = new List<RawConnection>();
        try
        {
            for (int i = 0; i < SmallMessagesFixture.MaxConnections; i++)
            {
                var connection = await RawConnection.ConnectAsync(fixture.Server.Smtp);
                Assert.StartsWith("220 ", connection.Greeting);
                held.Add(connection);
            }

            await using var smtp = await RawConnection.ConnectAsync(fixture.Server.Smtp);
            Assert.StartsWith("421 4.7.0 Too many connections", smtp.Greeting);
            Assert.True(await smtp.WaitClosedAsync(TimeSpan.FromSeconds(10)));
            await using var pop3 = await RawConnection.ConnectAsync(fixture.Server.Pop3);
            Assert.StartsWith("-ERR [SYS/TEMP] too many connections", pop3.Greeting);
        }
        finally
        {
            foreach (var connection in held)
            {
                await connection.DisposeAsync();
            }
        }

        // Once they are gone, there is room again (the server notices the closes a moment later).
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            await using var again = await RawConnection.ConnectAsync(fixture.Server.Smtp);
            if (again.Greeting.StartsWith("220 ", StringComparison.Ordinal) || DateTime.UtcNow > deadline)
            {
                Assert.StartsWith("220 ", again.Greeting);
                break;
            }

            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task OversizedData_Is552_NothingIsStored_AndTheNextMessageGoesThrough()
    {
        string alice = await fixture.UserAsync("alice");
        await using var alicesDevice = await fixture.NativeAsync(alice);
        await using var smtp = await RawConnection.ConnectAsync(fixture.Server.Smtp);
        await smtp.SendAsync("EHLO client");
        await smtp.ReadUntilAsync("250 ");
        await smtp.SendAsync("AUTH PLAIN " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{alice}\0{Passwords.Default}")));
        Assert.StartsWith("235", await smtp.ReadLineAsync());

        async Task<string> SubmitAsync(string subject, int bodyBytes)
        {
            await smtp.SendAsync($"MAIL FROM:<{fixture.Address(alice)}>\r\nRCPT TO:<{fixture.Address(alice)}>\r\nDATA");
            await smtp.ReadLineAsync();
            await smtp.ReadLineAsync();
            Assert.StartsWith("354", await smtp.ReadLineAsync());
            var body = new StringBuilder($"Subject: {subject}\r\n\r\n");
            while (body.Length < bodyBytes)
            {
                body.Append(new string('x', 76)).Append("\r\n");
            }

            await smtp.SendAsync(body.Append('.').ToString());
            return await smtp.ReadLineAsync() ?? "";
        }

        Assert.StartsWith("552 5.3.4 Message too big", await SubmitAsync("too big", (int)SmallMessagesFixture.MaxMessageSize + 10_000));
        Assert.StartsWith("250 2.0.0", await SubmitAsync("small", 1000));

        var inbox = await alicesDevice.ListAsync("Inbox", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(["small"], inbox.Items.Select(m => m.Subject));
    }
}
