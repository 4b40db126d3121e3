using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Carteiro.MailDoors.Tests.Support;

/// <summary>Runs the mail programs people already have (curl, python3) and insists they succeed.</summary>
public static class Tools
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    /// <summary>Runs <paramref name="program"/>; returns its standard output, or fails the test with its errors.</summary>
    public static Task<string> RunAsync(string program, params string[] arguments) => RunAsync(program, new Dictionary<string, string>(), arguments);

    /// <summary>Runs <paramref name="program"/> with more <paramref name="environment"/> variables.</summary>
    public static async Task<string> RunAsync(string program, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var (exitCode, output, errors) = await RunForExitCodeAsync(program, environment, arguments);
        Assert.True(exitCode == 0, $"{program} exited with {exitCode}: {errors}");
        return output;
    }

    /// <summary>Runs <paramref name="program"/> and returns how it ended, for programs whose exit codes mean something.</summary>
    public static async Task<(int ExitCode, string Output, string Errors)> RunForExitCodeAsync(string program, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {program}");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(Patience);
        var output = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var errors = process.StandardError.ReadToEndAsync(deadline.Token);
        await process.WaitForExitAsync(deadline.Token);
        return (process.ExitCode, await output, await errors);
    }

    public static string Port(IPEndPoint endpoint) => endpoint.Port.ToString(CultureInfo.InvariantCulture);
}
