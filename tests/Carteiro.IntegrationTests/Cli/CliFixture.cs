using Carteiro.TestKit;

namespace Carteiro.IntegrationTests.Cli;

/// <summary>One server for the CLI tests.</summary>
public sealed class CliFixture : IAsyncLifetime
{
    public TestServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Server = await TestServer.StartAsync();

    public async ValueTask DisposeAsync() => await Server.DisposeAsync();
}
