using System.Net;
using System.Net.Sockets;
using System.Text;
using Carteiro.Hosting;
using Carteiro.IntegrationTests.Support;
using Carteiro.TestKit;
using Microsoft.Extensions.Logging;

namespace Carteiro.IntegrationTests;

/// <summary>
/// The native door's own transport (NativeListener, SocketWriter): bytes split anywhere on the
/// way in, a reader slower than the server on the way out, and a server with no other door.
/// Idle sessions wait in the door's epoll set (ReadinessPoller) where there is one.
/// </summary>
public sealed class NativeTransportTests(ServerFixture fixture) : NativeTransportContract(fixture.Server), IClassFixture<ServerFixture>
{

    [Fact]
    public async Task AServerWithOnlyTheNativeDoor_ListensNowhereElse()
    {
        // Kestrel with no listeners of its own would bind its default, localhost:5000; holding
        // that port makes such a start fail, so this server starting at all is the check.
        using var holder = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            holder.Bind(new IPEndPoint(IPAddress.Loopback, 5000));
            holder.Listen();
        }
        catch (SocketException)
        {
            // Someone else holds it: the check is the same.
        }

        string data = TempFolder.Create("carteiro-native-only");
        try
        {
            await using var server = await CarteiroServer.StartAsync(new ServerSettings
            {
                DataPath = data,
                Native = new IPEndPoint(IPAddress.Loopback, 0),
                Http = null,
                Options = Carteiro.Core.CarteiroOptions.Default with { PasswordIterations = 1000 },
                LogLevel = LogLevel.Warning,
            }, TestContext.Current.CancellationToken);

            Assert.NotEqual(0, server.NativeEndPoint!.Port);
            Assert.Null(server.HttpEndPoint);
            await using var connection = await WireConnection.ConnectAsync(server.NativeEndPoint, cancellationToken: TestContext.Current.CancellationToken);
            Assert.StartsWith("* HELLO ", connection.Greeting, StringComparison.Ordinal);
            var registered = await connection.CommandAsync("r1 REGISTER carol \"a good password\"");
            Assert.StartsWith("r1 OK", registered[^1].Line, StringComparison.Ordinal);
        }
        finally
        {
            TempFolder.Delete(data);
        }
    }
}

/// <summary>The same transport with every wait made the runtime's way (no epoll set).</summary>
public sealed class NativeTransportWithRuntimeReceivesTests(NativeTransportWithRuntimeReceivesTests.Fixture fixture)
    : NativeTransportContract(fixture.Server), IClassFixture<NativeTransportWithRuntimeReceivesTests.Fixture>
{
    public sealed class Fixture : TestServerFixture
    {
        protected override Carteiro.Core.CarteiroOptions Configure(Carteiro.Core.CarteiroOptions options) => options with { NativeWaitsWithEpoll = false };
    }
}

/// <summary>What the native transport must do whichever way its sessions wait for their sockets.</summary>
public abstract class NativeTransportContract(TestServer server)
{
    private readonly TestServer _server = server;

    [Fact]
    public async Task PipelinedSends_ArrivingInChunksThatSplitLinesAndPayloads_AreEachStoredAndAnswered()
    {
        var alice = await _server.CreateUserAsync(UniqueName.Of("alice"));
        await using var connection = await WireConnection.SignInAsync(_server.Native, alice.Name);
        var random = new Random(20261126);
        var sent = new Dictionary<string, (string Subject, byte[] Body)>();
        var stream = new MemoryStream();
        for (int i = 0; i < 60; i++)
        {
            // Subjects up to the longest allowed (998 characters), bodies up to twice the server's
            // 16 KiB receive buffer: lines and payloads straddle its ends and get moved to its front.
            string subject = $"s{i}-" + new string((char)('a' + (i % 26)), random.Next(0, 990));
            byte[] body = new byte[random.Next(0, 40_000)];
            for (int b = 0; b < body.Length; b++)
            {
                body[b] = (byte)random.Next(32, 127);
            }

            string tag = $"p{i}";
            sent[tag] = (subject, body);
            stream.Write(new WireCommand($"{tag} SEND TO {alice.Name} SUBJECT \"{subject}\" BODY").Literal(body).End());
        }

        byte[] everything = stream.ToArray();
        for (int offset = 0; offset < everything.Length;)
        {
            int chunk = Math.Min(everything.Length - offset, random.Next(1, 5000));
            await connection.SendAsync(everything.AsMemory(offset, chunk));
            offset += chunk;
            if (random.Next(8) == 0)
            {
                await Task.Delay(1, TestContext.Current.CancellationToken);
            }
        }

        var answered = new HashSet<string>();
        while (answered.Count < sent.Count)
        {
            var frame = await connection.ReadFrameAsync() ?? throw new IOException($"closed after {answered.Count} answers");
            string tag = frame.Line.Split(' ')[0];
            if (sent.ContainsKey(tag))
            {
                Assert.StartsWith($"{tag} OK ", frame.Line, StringComparison.Ordinal);
                answered.Add(tag);
            }
        }

        var items = (await connection.CommandAsync("l1 LIST Sent LIMIT 100")).Where(f => f.Line.StartsWith("* ITEM ", StringComparison.Ordinal))
            .Select(f => Json.Parse(f.Line["* ITEM ".Length..])).ToList();
        Assert.Equal(sent.Values.Select(s => s.Subject).Order(), items.Select(i => i.Str("subject")).Order());
        foreach (var item in items.Where(i => i.Str("subject").StartsWith("s7-", StringComparison.Ordinal) || i.Str("subject").StartsWith("s59-", StringComparison.Ordinal)))
        {
            var read = await connection.CommandAsync($"r1 READ {item.Long("id")}");
            byte[] body = Assert.Single(read.Single(f => f.Line.StartsWith("* BODY ", StringComparison.Ordinal)).Literals);
            Assert.Equal(sent.Values.Single(s => s.Subject == item.Str("subject")).Body, body);
        }
    }

    [Fact]
    public async Task ALargeMessage_ReadByAClientThatFallsBehind_ArrivesWhole()
    {
        var alice = await _server.CreateUserAsync(UniqueName.Of("alice"));
        byte[] body = new byte[8 * 1024 * 1024];
        new Random(7).NextBytes(body);
        for (int i = 0; i < body.Length; i++)
        {
            body[i] = (byte)('A' + (body[i] % 26));
        }

        long id;
        await using (var sender = await WireConnection.SignInAsync(_server.Native, alice.Name))
        {
            var sent = await sender.CommandAsync("a1", new WireCommand($"a1 SEND TO {alice.Name} SUBJECT big BODY").Literal(body).End());
            id = Json.Parse(sent[^1].Line["a1 OK ".Length..]).Long("id");
        }

        // A 4 KiB receive window: the server's send buffer fills long before 8 MiB have gone, so
        // it has to wait for this reader, which starts reading only a second later.
        await using var reader = await WireConnection.ConnectAsync(_server.Native, receiveBufferSize: 4096, cancellationToken: TestContext.Current.CancellationToken);
        var login = await reader.CommandAsync("s1", Encoding.UTF8.GetBytes($"s1 LOGIN {alice.Name} {Json.Quote(Passwords.Default)}\r\n"));
        Assert.StartsWith("s1 OK", login[^1].Line, StringComparison.Ordinal);
        await reader.SendAsync($"r1 READ {id} PEEK");
        await Task.Delay(1000, TestContext.Current.CancellationToken);
        var read = await reader.ReadUntilTagAsync("r1");

        Assert.Equal("r1 OK", read[^1].Line);
        Assert.Equal(body, Assert.Single(read.Single(f => f.Line.StartsWith("* BODY ", StringComparison.Ordinal)).Literals));
        var noop = await reader.CommandAsync("n1 NOOP");
        Assert.Equal("n1 OK", noop[^1].Line);
    }
}
