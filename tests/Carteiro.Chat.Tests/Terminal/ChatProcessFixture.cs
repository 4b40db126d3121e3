using System.Diagnostics;
using Carteiro.Client;
using Carteiro.IntegrationTests.Support;
using Carteiro.TestKit;

namespace Carteiro.Chat.Tests.Terminal;

/// <summary>
/// The real <c>carteiro serve</c> in its own process for the terminal tests, and ways to run the
/// real <c>carteiro</c> executable: <c>chat</c> in tmux, the other commands as plain processes.
/// </summary>
public sealed class ChatProcessFixture : IAsyncLifetime
{
    private readonly string _data = TempFolder.Create("carteiro-chat-e2e");
    private ServerProcess? _server;

    /// <summary>A config folder of our own, so a developer's saved login never plays a part.</summary>
    public string ConfigHome { get; } = TempFolder.Create("carteiro-chat-config");

    public string Server => $"{Native.Address}:{Native.Port}";

    private System.Net.IPEndPoint Native => (_server ?? throw new InvalidOperationException("not started")).Native;

    public async ValueTask InitializeAsync() => _server = await ServerProcess.StartAsync(_data, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        TempFolder.Delete(_data);
        TempFolder.Delete(ConfigHome);
    }

    /// <summary>Registers a user with a unique name through the client library.</summary>
    public async Task<string> RegisterAsync(string prefix)
    {
        await using var client = await ConnectAsync();
        return (await client.RegisterAsync(UniqueName.Of(prefix), Passwords.Default, TestContext.Current.CancellationToken)).User;
    }

    public async Task<CarteiroClient> ConnectAsync() =>
        await CarteiroClient.ConnectAsync(Native.Address.ToString(), Native.Port, cancellationToken: TestContext.Current.CancellationToken);

    public async Task<CarteiroClient> SignInAsync(string user)
    {
        var client = await ConnectAsync();
        await client.LoginAsync(user, Passwords.Default, TestContext.Current.CancellationToken);
        return client;
    }

    /// <summary>Starts <c>carteiro chat</c> in tmux; with a user, signed in through CARTEIRO_USER and CARTEIRO_PASSWORD.</summary>
    internal Task<Tmux> StartChatAsync(string? user, bool noColor = false, int width = 80, int height = 24) =>
        StartChatAsync(Server, user, noColor, width, height);

    /// <summary>Starts <c>carteiro chat</c> in tmux against another server.</summary>
    internal Task<Tmux> StartChatAsync(string server, string? user, bool noColor = false, int width = 80, int height = 24)
    {
        var environment = new Dictionary<string, string?>
        {
            ["TERM"] = "xterm-256color",
            ["XDG_CONFIG_HOME"] = ConfigHome,
            ["CARTEIRO_SERVER"] = server,
            ["CARTEIRO_USER"] = user,
            ["CARTEIRO_PASSWORD"] = user is null ? null : Passwords.Default,
            ["NO_COLOR"] = noColor ? "1" : null,
            ["DOTNET_NOLOGO"] = "1",
        };
        return Tmux.StartAsync([DotnetHost(), ServerProcess.Executable, "chat"], environment, width, height);
    }

    /// <summary>Runs a <c>carteiro</c> command as <paramref name="user"/> to its end.</summary>
    public async Task<(int ExitCode, string Output)> CliAsync(string user, params string[] arguments)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ServerProcess.Executable);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["XDG_CONFIG_HOME"] = ConfigHome;
        start.Environment["CARTEIRO_SERVER"] = Server;
        start.Environment["CARTEIRO_USER"] = user;
        start.Environment["CARTEIRO_PASSWORD"] = Passwords.Default;
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}

[CollectionDefinition(Name)]
public sealed class ChatProcessCollection : ICollectionFixture<ChatProcessFixture>
{
    public const string Name = "chat in a terminal";
}
