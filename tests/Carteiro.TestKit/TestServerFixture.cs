using Carteiro.Core;
using Xunit;

namespace Carteiro.TestKit;

/// <summary>One server shared by the tests of a class; tests use unique user names.</summary>
public class TestServerFixture : IAsyncLifetime
{
    private TestServer? _server;

    public TestServer Server => _server ?? throw new InvalidOperationException("the fixture is not initialized");

    /// <summary>Changes the options of the shared server.</summary>
    protected virtual CarteiroOptions Configure(CarteiroOptions options) => options;

    public async ValueTask InitializeAsync() => _server = await TestServer.StartAsync(Configure, cancellationToken: TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
