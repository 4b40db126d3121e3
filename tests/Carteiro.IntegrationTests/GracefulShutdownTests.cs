using System.Text;
using Carteiro.IntegrationTests.Support;
using Carteiro.TestKit;

namespace Carteiro.IntegrationTests;

/// <summary>Stopping a server: what it acknowledged stays stored, and clients are told why they are dropped.</summary>
public sealed class GracefulShutdownTests
{
    [Fact]
    public async Task StopWithPipelinedSendsInFlight_EveryAcknowledgedSendSurvivesRestart()
    {
        const int Sends = 100;
        await using var first = await TestServer.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        var bob = await first.CreateUserAsync(UniqueName.Of("bob"));
        await using var alice = await Peer.NewUserAsync(first, "alice");
        var commands = new StringBuilder();
        for (int i = 0; i < Sends; i++)
        {
            commands.Append($"g{i} SEND TO {bob.Name} SUBJECT \"before the stop {i}\" BODY x ID stop-{i}\r\n");
        }

        var firstReply = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var everything = Task.Run(async () =>
        {
            var lines = new List<string>();
            while (await alice.Raw.ReadLineAsync() is { } line)
            {
                lines.Add(line);
                firstReply.TrySetResult();
            }

            return lines;
        }, TestContext.Current.CancellationToken);
        await alice.Raw.SendAsync(commands.ToString(), line: false);
        await firstReply.Task.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        await first.StopAsync();
        var lines = await everything;

        var acknowledged = lines.Where(l => l.StartsWith('g') && l.Contains(" OK ", StringComparison.Ordinal))
            .Select(l => Json.Parse(l[(l.IndexOf(" OK ", StringComparison.Ordinal) + 4)..]))
            .ToList();
        Assert.NotEmpty(acknowledged);
        Assert.Equal("shutting-down", Json.After(lines[^1], "* BYE ").Str("reason"));

        await using var restarted = await TestServer.StartAsync(dataPath: first.DataPath, cancellationToken: TestContext.Current.CancellationToken);
        await using var aliceAgain = await Peer.SignInAsync(restarted, alice.User);
        await using var bobAgain = await Peer.SignInAsync(restarted, bob.Name);
        var sentIds = (await aliceAgain.CommandAsync("LIST Sent LIMIT 1000")).Data("ITEM").Select(i => i.Long("id")).ToHashSet();
        var received = (await bobAgain.CommandAsync("LIST LIMIT 1000")).Data("ITEM").Select(i => i.Long("message")).ToHashSet();
        Assert.All(acknowledged, a => Assert.Contains(a.Long("id"), sentIds));
        Assert.All(acknowledged, a => Assert.Contains(a.Long("message"), received));
    }

    [Fact]
    public async Task Stop_ConnectedClientsReceiveByeShuttingDownBeforeClose()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        await using var signedIn = await Peer.NewUserAsync(server, "idle");
        await using var anonymous = await Peer.ConnectAsync(server);

        await server.StopAsync();

        foreach (var peer in new[] { signedIn, anonymous })
        {
            var bye = await peer.EventAsync("BYE");
            Assert.Equal("shutting-down", bye.Str("reason"));
            Assert.Null(await peer.Raw.ReadLineAsync());
        }
    }
}
