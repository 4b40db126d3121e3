using System.Net;
using Carteiro.Core;
using Carteiro.Core.Accounts;
using Carteiro.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Carteiro.TestKit;

/// <summary>
/// A real Carteiro server in this process: real Kestrel sockets on 127.0.0.1 with an ephemeral
/// port, a real SQLite file in a fresh temporary folder. Passwords hash with few iterations so
/// tests can make many accounts quickly.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private CarteiroServer? _server;

    private TestServer(CarteiroServer server, string dataPath, CarteiroOptions options)
    {
        _server = server;
        DataPath = dataPath;
        Options = options;
    }

    /// <summary>The data folder (deleted on dispose).</summary>
    public string DataPath { get; }

    /// <summary>The options the server runs with.</summary>
    public CarteiroOptions Options { get; }

    /// <summary>The native protocol's address.</summary>
    public IPEndPoint Native => Server.NativeEndPoint!;

    /// <summary>Host to connect to.</summary>
    public string Host => Native.Address.ToString();

    /// <summary>The HTTP door's base address, such as <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri HttpBase => new($"http://{Server.HttpEndPoint}/");

    /// <summary>Native protocol port.</summary>
    public int Port => Native.Port;

    /// <summary>The running server.</summary>
    public CarteiroServer Server => _server ?? throw new ObjectDisposedException(nameof(TestServer));

    /// <summary>Starts a server; <paramref name="configure"/> may change the options.</summary>
    public static async Task<TestServer> StartAsync(Func<CarteiroOptions, CarteiroOptions>? configure = null, string? dataPath = null, CancellationToken cancellationToken = default)
    {
        // Every test connects from 127.0.0.1: tests of wrong passwords must not lock out the others.
        var options = CarteiroOptions.Default with { PasswordIterations = 1000, SignInFreeFailuresPerAddress = 10_000 };
        options = configure?.Invoke(options) ?? options;
        dataPath ??= TempFolder.Create("carteiro-test");
        var server = await CarteiroServer.StartAsync(new ServerSettings
        {
            DataPath = dataPath,
            Native = new IPEndPoint(IPAddress.Loopback, 0),
            Http = new IPEndPoint(IPAddress.Loopback, 0),
            Options = options,
            LogLevel = LogLevel.Warning,
            ShutdownTimeout = TimeSpan.FromSeconds(5),
        }, cancellationToken).ConfigureAwait(false);
        return new TestServer(server, dataPath, options);
    }

    /// <summary>Creates an account directly (not through a door).</summary>
    public Task<Account> CreateUserAsync(string name, string password = Passwords.Default, bool admin = false) =>
        Server.Services.GetRequiredService<AccountService>().CreateAsync(name, password, admin, CancellationToken.None);

    /// <summary>Creates several accounts with the default password.</summary>
    public async Task<IReadOnlyList<string>> CreateUsersAsync(string prefix, int count)
    {
        var names = new List<string>(count);
        for (int i = 0; i < count; i++)
        {
            var account = await CreateUserAsync($"{prefix}{i}").ConfigureAwait(false);
            names.Add(account.Name);
        }

        return names;
    }

    /// <summary>Stops the server and keeps the data folder (to restart on it).</summary>
    public async Task StopAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
            _server = null;
        }
    }

    /// <summary>Stops the server and deletes its data folder.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        TempFolder.Delete(DataPath);
    }
}

/// <summary>Passwords used by tests.</summary>
public static class Passwords
{
    /// <summary>The password every test account gets unless a test says otherwise.</summary>
    public const string Default = "correct horse battery";
}
