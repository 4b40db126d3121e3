using System.Collections.Concurrent;
using System.Text.Json;
using Carteiro.IntegrationTests.Support;
using Carteiro.TestKit;

namespace Carteiro.IntegrationTests;

/// <summary>Tests that run the real executable under load: alone, so timing elsewhere does not suffer.</summary>
[CollectionDefinition(nameof(ServerProcessCollection), DisableParallelization = true)]
public sealed class ServerProcessCollection;

/// <summary>
/// The real <c>carteiro serve</c> process, killed with SIGKILL while eight clients send as fast as
/// they can: after a restart on the same data folder, every acknowledged send is there exactly once.
/// </summary>
[Collection(nameof(ServerProcessCollection))]
public sealed class CrashRecoveryTests : IDisposable
{
    private const int Senders = 8;
    private const int Window = 8;
    private static readonly TimeSpan LoadTime = TimeSpan.FromSeconds(3);
    private readonly string _data = TempFolder.Create("carteiro-crash");

    private sealed record Ack(string Sender, string ClientId, long Id, long Message);

    public void Dispose() => TempFolder.Delete(_data);

    [Fact]
    public async Task KilledDuringSends_EveryAcknowledgedSendStoredExactlyOnceAfterRestart()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        string sink = UniqueName.Of("sink");
        var names = Enumerable.Range(0, Senders).Select(_ => UniqueName.Of("writer")).ToList();
        var acks = new ConcurrentBag<Ack>();

        await using (var server = await ServerProcess.StartAsync(_data, cancellationToken))
        {
            await (await WireConnection.SignInAsync(server.Native, sink, register: true)).DisposeAsync();
            var connections = new List<WireConnection>();
            try
            {
                foreach (string name in names)
                {
                    connections.Add(await WireConnection.SignInAsync(server.Native, name, register: true));
                }

                var load = connections.Select((c, i) => SendUntilGoneAsync(c, names[i], sink, acks, cancellationToken)).ToList();

                // A fixed stretch of load, not a wait for some event: the kill lands mid-flight.
                await Task.Delay(LoadTime, cancellationToken);
                await server.KillAsync();
                await Task.WhenAll(load).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            }
            finally
            {
                foreach (var connection in connections)
                {
                    await connection.DisposeAsync();
                }
            }
        }

        Assert.True(acks.Count >= Senders, $"only {acks.Count} sends were acknowledged before the kill");
        TestContext.Current.TestOutputHelper?.WriteLine($"{acks.Count} sends acknowledged before SIGKILL");
        await using var restarted = await ServerProcess.StartAsync(_data, cancellationToken);

        foreach (var group in acks.GroupBy(a => a.Sender))
        {
            await using var sender = await WireConnection.SignInAsync(restarted.Native, group.Key);
            var sentIds = (await ListAllAsync(sender, "Sent")).Select(i => i.Long("id")).ToList();
            Assert.Equal(sentIds.Count, sentIds.Distinct().Count());
            var listed = sentIds.ToHashSet();
            Assert.All(group, a => Assert.Contains(a.Id, listed));
            await AssertRetriesAreDuplicatesAsync(sender, sink, [.. group]);
        }

        await using var recipient = await WireConnection.SignInAsync(restarted.Native, sink);
        var inbox = await ListAllAsync(recipient, "Inbox");
        var messages = inbox.Select(i => i.Long("message")).ToList();
        Assert.Equal(messages.Count, messages.Distinct().Count());
        var received = messages.ToHashSet();
        Assert.All(acks, a => Assert.Contains(a.Message, received));
        var uidsInArrivalOrder = inbox.OrderBy(i => i.Long("message")).Select(i => i.Long("uid")).ToList();
        TestContext.Current.TestOutputHelper?.WriteLine($"{inbox.Count} messages in the recipient's Inbox after the restart");
        Assert.True(uidsInArrivalOrder.Zip(uidsInArrivalOrder.Skip(1)).All(p => p.First < p.Second), "Inbox UIDs ascend with arrival");

        // A message after the restart still gets a higher UID than anything before the crash.
        await using var late = await WireConnection.SignInAsync(restarted.Native, names[0]);
        var after = await late.CommandAsync($"z1 SEND TO {sink} SUBJECT \"after the crash\" BODY x");
        Assert.StartsWith("z1 OK ", after[^1].Line, StringComparison.Ordinal);
        var newest = (await recipient.CommandAsync("z2 LIST LIMIT 1")).Data("ITEM");
        Assert.True(newest.Long("uid") > uidsInArrivalOrder[^1]);
    }

    [Fact]
    public async Task SecondServerOnTheSameDataFolder_ExitsNonZeroNamingTheFolder()
    {
        await using var first = await ServerProcess.StartAsync(_data, TestContext.Current.CancellationToken);

        var (exitCode, output) = await ServerProcess.RunAsync(
            TimeSpan.FromSeconds(60), "serve", "--data", _data, "--native", $"127.0.0.1:{ServerProcess.FreePort()}", "--http", "none", "--smtp", "none", "--pop3", "none", "--imap", "none", "--password-iterations", "1000");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("already using the data folder", output, StringComparison.Ordinal);
        await using var stillServing = await WireConnection.ConnectAsync(first.Native, cancellationToken: TestContext.Current.CancellationToken);
        Assert.StartsWith("* HELLO ", stillServing.Greeting, StringComparison.Ordinal);
    }

    // Keeps up to Window SENDs in flight, each with its own ID, until the connection dies.
    private static async Task SendUntilGoneAsync(WireConnection connection, string name, string sink, ConcurrentBag<Ack> acks, CancellationToken cancellationToken)
    {
        using var window = new SemaphoreSlim(Window);
        using var gone = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pending = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var reader = Task.Run(async () =>
        {
            try
            {
                while (await connection.ReadFrameAsync(TimeSpan.FromSeconds(30)) is { } frame)
                {
                    string line = frame.Line;
                    string tag = line[..Math.Max(0, line.IndexOf(' ', StringComparison.Ordinal))];
                    if (!pending.TryRemove(tag, out string? clientId))
                    {
                        continue;
                    }

                    Assert.StartsWith($"{tag} OK ", line, StringComparison.Ordinal);
                    var result = Json.Parse(line[(tag.Length + 4)..]);
                    Assert.False(result.Bool("duplicate"));
                    acks.Add(new Ack(name, clientId, result.Long("id"), result.Long("message")));
                    window.Release();
                }
            }
            finally
            {
                await gone.CancelAsync();
            }
        }, CancellationToken.None);

        try
        {
            for (int n = 0; ; n++)
            {
                await window.WaitAsync(gone.Token);
                string tag = $"w{n}";
                string clientId = $"{name}-{n}";
                pending[tag] = clientId;
                await connection.SendAsync($"{tag} SEND TO {sink} SUBJECT \"load {n}\" BODY \"from {clientId}\" ID {clientId}");
            }
        }
        catch (Exception error) when (error is OperationCanceledException or IOException or System.Net.Sockets.SocketException)
        {
            // The server is gone.
        }

        await reader;
    }

    private static async Task<List<JsonElement>> ListAllAsync(WireConnection connection, string folder)
    {
        var all = new List<JsonElement>();
        long? before = null;
        for (int page = 0; ; page++)
        {
            var frames = await connection.CommandAsync($"l{page} LIST {folder} LIMIT 1000{(before is null ? "" : $" BEFORE {before}")}");
            Assert.StartsWith($"l{page} OK", frames[^1].Line, StringComparison.Ordinal);
            var items = frames.Where(f => f.Line.StartsWith("* ITEM ", StringComparison.Ordinal)).Select(f => Json.After(f.Line, "* ITEM ")).ToList();
            all.AddRange(items);
            if (items.Count < 1000)
            {
                return all;
            }

            before = items[^1].Long("uid");
        }
    }

    // Sending again with the same ID must answer with the first result and store nothing.
    private static async Task AssertRetriesAreDuplicatesAsync(WireConnection connection, string sink, IReadOnlyList<Ack> acks)
    {
        foreach (var chunk in acks.Chunk(100))
        {
            var text = new System.Text.StringBuilder();
            foreach (var (ack, i) in chunk.Select((a, i) => (a, i)))
            {
                text.Append($"r{i} SEND TO {sink} SUBJECT retry BODY retry ID {ack.ClientId}\r\n");
            }

            await connection.SendAsync(System.Text.Encoding.UTF8.GetBytes(text.ToString()));
            var replies = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            while (replies.Count < chunk.Length)
            {
                var frame = await connection.ReadFrameAsync() ?? throw new IOException("closed during retries");
                string line = frame.Line;
                if (line.StartsWith('r'))
                {
                    string tag = line[..line.IndexOf(' ', StringComparison.Ordinal)];
                    Assert.StartsWith($"{tag} OK ", line, StringComparison.Ordinal);
                    replies[tag] = Json.Parse(line[(tag.Length + 4)..]);
                }
            }

            foreach (var (ack, i) in chunk.Select((a, i) => (a, i)))
            {
                var reply = replies[$"r{i}"];
                Assert.True(reply.Bool("duplicate"), $"{ack.ClientId} was stored again");
                Assert.Equal(ack.Id, reply.Long("id"));
                Assert.Equal(ack.Message, reply.Long("message"));
            }
        }
    }
}
