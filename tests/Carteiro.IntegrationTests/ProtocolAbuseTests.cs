using System.Text;
using Carteiro.Core;
using Carteiro.IntegrationTests.Support;
using Carteiro.TestKit;

namespace Carteiro.IntegrationTests;

/// <summary>A server with a small message size limit, shared by the abuse tests that need no other special option.</summary>
public sealed class SmallMessageServerFixture : ServerFixture
{
    public const int MaxMessageSize = 64 * 1024;

    protected override CarteiroOptions Configure(CarteiroOptions options) => options with { MaxMessageSize = MaxMessageSize };
}

/// <summary>
/// Misbehaving clients: each test abuses the server on one connection while two other signed-in
/// users on the same server exchange a mail right after, to show nobody else was hurt.
/// </summary>
public sealed class ProtocolAbuseTests(SmallMessageServerFixture fixture) : IClassFixture<SmallMessageServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task OversizedLine_StarBadLineTooLongAndConnectionGoesOn()
    {
        await using var bystanders = await Bystanders.SignInAsync(_server);
        await using var abuser = await Peer.NewUserAsync(_server, "abuser");
        byte[] line = new byte[100 * 1024];
        line.AsSpan().Fill((byte)'A');

        await abuser.Raw.SendBytesAsync(line);
        await abuser.Raw.SendAsync("");
        var refusal = (await abuser.Raw.ReadUntilAsync("* BAD "))[^1];

        Assert.StartsWith("* BAD line-too-long ", refusal, StringComparison.Ordinal);
        (await abuser.CommandAsync("NOOP")).AssertOk();
        (await abuser.SendMailAsync(bystanders.Receiver.User, "after the long line")).AssertOk();
        await bystanders.AssertMailFlowsAsync();
    }

    [Fact]
    public async Task LiteralOverTheFramingLimit_BadPayloadTooLargeAndNextCommandWorks()
    {
        await using var bystanders = await Bystanders.SignInAsync(_server);
        await using var abuser = await Peer.NewUserAsync(_server, "abuser");

        // A literal may exceed the message limit by 1 MiB of framing; this one is well past both.
        byte[] payload = new byte[SmallMessageServerFixture.MaxMessageSize + (2 * 1024 * 1024)];
        new Random(5).NextBytes(payload);
        var bytes = new WireCommand($"x1 SEND TO {bystanders.Receiver.User} SUBJECT huge BODY").Literal(payload).Text("\r\nx2 NOOP").End();
        await abuser.Raw.SendBytesAsync(bytes);
        var refused = await abuser.ReadReplyAsync("x1");
        var next = await abuser.ReadReplyAsync("x2");

        refused.AssertBad("payload-too-large");
        next.AssertOk();
        Assert.Equal(0, (await abuser.CommandAsync("LIST Sent")).Json.Long("total"));
        await bystanders.AssertMailFlowsAsync();
    }

    [Fact]
    public async Task GarbageBytes_BadRepliesThenByeAfterTwentyInARow()
    {
        await using var bystanders = await Bystanders.SignInAsync(_server);
        await using var abuser = await Peer.NewUserAsync(_server, "abuser");
        var random = new Random(20);

        await abuser.Raw.SendBytesAsync(Garbage(random, 19));
        var first = new List<string>();
        for (int i = 0; i < 19; i++)
        {
            first.Add(await abuser.Raw.ReadLineAsync() ?? throw new IOException("closed too early"));
        }

        var noop = await abuser.CommandAsync("NOOP");
        await abuser.Raw.SendBytesAsync(Garbage(random, 20));
        var second = await abuser.Raw.ReadUntilAsync("* BYE ");

        Assert.All(first, line => Assert.Equal("BAD", line.Split(' ')[1]));
        noop.AssertOk();
        Assert.Equal(20, second.Count(line => line.Split(' ')[1] == "BAD"));
        Assert.Equal("too-many-errors", Json.After(second[^1], "* BYE ").Str("reason"));
        Assert.True(await abuser.Raw.WaitClosedAsync(TimeSpan.FromSeconds(10)));
        await bystanders.AssertMailFlowsAsync();
    }

    [Fact]
    public async Task TwentyThousandPipelinedNoops_AllAnsweredInOrder()
    {
        const int Count = 20_000;
        await using var bystanders = await Bystanders.SignInAsync(_server);
        await using var abuser = await Peer.NewUserAsync(_server, "abuser");
        var commands = new StringBuilder();
        for (int i = 0; i < Count; i++)
        {
            commands.Append('n').Append(i).Append(" NOOP\r\n");
        }

        // Read while writing: the replies are as large as the commands.
        var replies = Task.Run(async () =>
        {
            var lines = new List<string>(Count);
            while (lines.Count < Count)
            {
                string line = await abuser.Raw.ReadLineAsync() ?? throw new IOException($"closed after {lines.Count} replies");
                if (!line.StartsWith("* ", StringComparison.Ordinal))
                {
                    lines.Add(line);
                }
            }

            return lines;
        }, TestContext.Current.CancellationToken);
        await abuser.Raw.SendAsync(commands.ToString(), line: false);
        var lines = await replies;

        for (int i = 0; i < Count; i++)
        {
            Assert.Equal($"n{i} OK", lines[i]);
        }

        await bystanders.AssertMailFlowsAsync();
    }

    [Fact]
    public async Task MoreSendsInFlightThanAllowed_SomeRefusedRestAccepted()
    {
        const int Sends = 24;
        await using var server = await TestServer.StartAsync(o => o with { MaxCommandsInFlight = 4 }, cancellationToken: TestContext.Current.CancellationToken);
        await using var bystanders = await Bystanders.SignInAsync(server);
        await using var abuser = await Peer.NewUserAsync(server, "abuser");
        var commands = new StringBuilder();
        for (int i = 0; i < Sends; i++)
        {
            commands.Append($"s{i} SEND TO {bystanders.Receiver.User} SUBJECT burst{i} BODY x\r\n");
        }

        await abuser.Raw.SendAsync(commands.ToString(), line: false);
        var replies = await abuser.ReadRepliesAsync([.. Enumerable.Range(0, Sends).Select(i => $"s{i}")]);

        int accepted = replies.Count(r => r.IsOk);
        Assert.All(replies.Where(r => !r.IsOk), r => r.AssertNo("too-many-in-flight"));
        Assert.InRange(accepted, 4, Sends - 1);
        Assert.Equal(accepted, (await abuser.CommandAsync("LIST Sent")).Json.Long("total"));
        (await abuser.SendMailAsync(bystanders.Receiver.User, "after the burst")).AssertOk();
        await bystanders.AssertMailFlowsAsync();
    }

    [Fact]
    public async Task ClientThatNeverReads_DroppedAsSlowConsumerWhileAReadingOneKeepsUp()
    {
        // Small batches keep each burst of events well inside a reading client's 16-event queue.
        const int Batch = 6;
        await using var server = await TestServer.StartAsync(o => o with { MaxQueuedEvents = 16 }, cancellationToken: TestContext.Current.CancellationToken);
        await using var bystanders = await Bystanders.SignInAsync(server);
        var victimAccount = await server.CreateUserAsync(UniqueName.Of("sleepy"));
        await using var victim = await RawConnection.LoginAsync(server, victimAccount.Name);
        await using var keen = await Peer.NewUserAsync(server, "keen");
        await using var flooder = await Peer.NewUserAsync(server, "flooder");
        bool VictimOffline(System.Text.Json.JsonElement p) => p.Str("user") == victimAccount.Name && !p.Bool("online");

        // Three UTF-8 bytes per character, sent unescaped: about 3.5 KB per pushed summary.
        string subject = new('\u8a9e', 990);
        string body = new('\u8a9e', 200);
        string endMarker = $"end-{Guid.NewGuid():N}";
        var keenReads = Task.Run(async () =>
        {
            // Events reach a session in order: the end marker, sent last, comes after every flood mail.
            int mails = 0;
            while (true)
            {
                string line = await keen.Raw.ReadLineAsync(TimeSpan.FromSeconds(30)) ?? throw new IOException($"the reading client was closed after {mails} mails");
                Assert.False(line.StartsWith("* BYE ", StringComparison.Ordinal), line);
                if (line.StartsWith("* MAIL ", StringComparison.Ordinal))
                {
                    if (line.Contains(endMarker, StringComparison.Ordinal))
                    {
                        return mails;
                    }

                    mails++;
                }
            }
        }, TestContext.Current.CancellationToken);

        // The victim reads nothing from here on: its socket buffers fill, then its event queue.
        int sent = 0;
        for (int batch = 0; batch < 2000 && !flooder.HasSeen("PRESENCE", VictimOffline); batch++)
        {
            var commands = new StringBuilder();
            for (int i = 0; i < Batch; i++)
            {
                commands.Append($"f{batch}x{i} SEND TO {victimAccount.Name},{keen.User} SUBJECT {subject} BODY {body}\r\n");
            }

            await flooder.Raw.SendAsync(commands.ToString(), line: false);
            var replies = await flooder.ReadRepliesAsync([.. Enumerable.Range(0, Batch).Select(i => $"f{batch}x{i}")]);
            Assert.All(replies, r => r.AssertOk());
            sent += Batch;
        }

        await flooder.EventAsync("PRESENCE", VictimOffline);
        (await flooder.SendMailAsync(keen.User, endMarker)).AssertOk();
        Assert.Equal(sent, await keenReads);
        var rest = new List<string>();
        while (await victim.ReadLineAsync(TimeSpan.FromSeconds(10)) is { } line)
        {
            rest.Add(line);
        }

        Assert.True(rest.Count(l => l.StartsWith("* MAIL ", StringComparison.Ordinal)) < sent, "the victim was dropped before all mails were pushed");
        Assert.All(rest.Where(l => l.StartsWith("* BYE ", StringComparison.Ordinal)), l => Assert.Equal("slow-consumer", Json.After(l, "* BYE ").Str("reason")));
        Assert.DoesNotContain((await flooder.CommandAsync("WHO")).Data("USER"), u => u.Str("name") == victimAccount.Name);
        await bystanders.AssertMailFlowsAsync();
    }

    [Fact]
    public async Task FourthConnectionFromOneAddress_ByeTooManyConnections()
    {
        await using var server = await TestServer.StartAsync(o => o with { MaxConnectionsPerAddress = 3 }, cancellationToken: TestContext.Current.CancellationToken);
        await using var bystanders = await Bystanders.SignInAsync(server);
        await using var third = await Peer.ConnectAsync(server);

        await using var fourth = await RawConnection.ConnectAsync(server);

        Assert.StartsWith("* HELLO ", third.Greeting, StringComparison.Ordinal);
        Assert.Equal("too-many-connections", Json.After(fourth.Greeting, "* BYE ").Str("reason"));
        Assert.True(await fourth.WaitClosedAsync(TimeSpan.FromSeconds(10)));
        (await third.CommandAsync("NOOP")).AssertOk();
        await bystanders.AssertMailFlowsAsync();
    }

    // Random bytes in lines that cannot hold a literal marker or a line break.
    private static byte[] Garbage(Random random, int lines)
    {
        var bytes = new List<byte>();
        for (int i = 0; i < lines; i++)
        {
            byte[] line = new byte[random.Next(16, 200)];
            random.NextBytes(line);
            foreach (byte b in line)
            {
                bytes.Add(b is (byte)'\n' or (byte)'\r' or (byte)'{' ? (byte)0x7f : b);
            }

            bytes.Add((byte)'\r');
            bytes.Add((byte)'\n');
        }

        return [.. bytes];
    }
}
