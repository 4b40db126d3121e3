using Carteiro.Client;
using Carteiro.IntegrationTests.Support;
using Carteiro.TestKit;

namespace Carteiro.IntegrationTests;

/// <summary>
/// <see cref="CarteiroClient"/> against a real server process that dies and comes back on the same
/// port and data folder.
/// </summary>
[Collection(nameof(ServerProcessCollection))]
public sealed class ClientReconnectionTests : IDisposable
{
    private const string Password = "correct horse battery";
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(30);
    private readonly string _data = TempFolder.Create("carteiro-reconnect");

    public void Dispose() => TempFolder.Delete(_data);

    [Fact]
    public async Task ServerKilledAndRestarted_ClientReconnectsSignsInAgainAndReceivesPushes()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        string alice = UniqueName.Of("alice");
        string bob = UniqueName.Of("bob");
        CarteiroClient client;
        int port;
        await using (var server = await ServerProcess.StartAsync(_data, cancellationToken))
        {
            port = server.Native.Port;
            await using (var registrar = await CarteiroClient.ConnectAsync("127.0.0.1", port, cancellationToken: cancellationToken))
            {
                await registrar.RegisterAsync(alice, Password, cancellationToken);
            }

            client = await CarteiroClient.ConnectAsync("127.0.0.1", port, new CarteiroClientOptions { Reconnect = true }, cancellationToken);
            await client.RegisterAsync(bob, Password, cancellationToken);
            await server.KillAsync();
        }

        await using (client)
        {
            await NextAsync<ConnectionStateEvent>(client, e => e.State == ConnectionState.Reconnecting);

            // Issued while the server is down: it waits for the connection to come back.
            var who = client.WhoAsync(cancellationToken);
            Assert.False(who.IsCompleted);

            await using var restarted = await ServerProcess.StartAsync(_data, cancellationToken, port);
            await NextAsync<ConnectionStateEvent>(client, e => e.State == ConnectionState.Connected);
            Assert.Contains(await who.WaitAsync(EventTimeout, cancellationToken), u => u.Name == bob);
            Assert.Equal(bob, client.Session?.User);

            await using var sender = await CarteiroClient.ConnectAsync("127.0.0.1", port, cancellationToken: cancellationToken);
            await sender.LoginAsync(alice, Password, cancellationToken);
            var sent = await sender.SendAsync(new OutgoingMail { To = [bob], Subject = "after the restart", Body = "still there?" }, cancellationToken);

            var mail = await NextAsync<MailEvent>(client, e => e.Message.MessageId == sent.MessageId);
            Assert.Equal("after the restart", mail.Message.Subject);
        }
    }

    [Fact]
    public async Task ServerKilled_WithoutReconnect_ClientReportsDisconnectedAndCommandsFail()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var server = await ServerProcess.StartAsync(_data, cancellationToken);
        await using var client = await CarteiroClient.ConnectAsync("127.0.0.1", server.Native.Port, cancellationToken: cancellationToken);
        await client.RegisterAsync(UniqueName.Of("carol"), Password, cancellationToken);

        await server.KillAsync();

        await NextAsync<ConnectionStateEvent>(client, e => e.State == ConnectionState.Disconnected);
        await Assert.ThrowsAsync<CarteiroConnectionException>(() => client.WhoAsync(cancellationToken));
    }

    private static Task<T> NextAsync<T>(CarteiroClient client, Func<T, bool> match)
        where T : ClientEvent => ClientEvents.NextAsync(client, match, EventTimeout);
}
