using System.Diagnostics;
using Carteiro.TestKit;

namespace Carteiro.IntegrationTests.Cli;

/// <summary>What one run of the real <c>carteiro</c> executable did.</summary>
internal sealed record CliResult(int ExitCode, string Output, string Error);

/// <summary>
/// Runs the real <c>carteiro</c> executable (the build output copied beside the tests) as a person
/// would, with its own config folder so saved logins never touch the developer's.
/// </summary>
internal sealed class CliRunner : IDisposable
{
    private static readonly string Executable = Path.Combine(AppContext.BaseDirectory, "carteiro.dll");

    public CliRunner(TestServer server)
    {
        Server = $"{server.Host}:{server.Port}";
        ConfigHome = TempFolder.Create("carteiro-cli");
    }

    public string Server { get; }

    public string ConfigHome { get; }

    public string LoginFile => Path.Combine(ConfigHome, "carteiro", "login.json");

    public Task<CliResult> RunAsync(params string[] arguments) => RunAsync(arguments, environment: null, input: null);

    public Task<CliResult> AsAsync(string user, string password, params string[] arguments) =>
        RunAsync(arguments, new Dictionary<string, string> { ["CARTEIRO_USER"] = user, ["CARTEIRO_PASSWORD"] = password }, input: null);

    public async Task<CliResult> RunAsync(string[] arguments, IDictionary<string, string>? environment, string? input)
    {
        using var process = Start(arguments, environment);
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await output, await error);
    }

    /// <summary>Starts the executable and leaves it running (for <c>watch</c>).</summary>
    public Process Start(string[] arguments, IDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Executable);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["XDG_CONFIG_HOME"] = ConfigHome;
        start.Environment["CARTEIRO_SERVER"] = Server;
        start.Environment.Remove("CARTEIRO_USER");
        start.Environment.Remove("CARTEIRO_PASSWORD");
        start.Environment.Remove("CARTEIRO_DATA");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return Process.Start(start) ?? throw new InvalidOperationException("could not start carteiro");
    }

    public void Dispose() => TempFolder.Delete(ConfigHome);
}
