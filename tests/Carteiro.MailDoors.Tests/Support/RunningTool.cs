using System.Diagnostics;
using System.Text;
using System.Threading.Channels;

namespace Carteiro.MailDoors.Tests.Support;

/// <summary>
/// A mail program left running while the test does something else (a Python script idling over
/// IMAP while the test sends mail natively): its output is read line by line as it comes, and
/// when it has ended the test gets its exit code, whole output and errors, as with
/// <see cref="Tools.RunAsync(string, string[])"/>. A program that cannot be started fails the test.
/// </summary>
public sealed class RunningTool : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly string _program;
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly StringBuilder _output = new();
    private readonly Task _reading;
    private readonly Task<string> _errors;

    private RunningTool(string program, Process process)
    {
        _program = program;
        _process = process;
        _reading = ReadOutputAsync();
        _errors = process.StandardError.ReadToEndAsync();
    }

    /// <summary>Starts <paramref name="program"/> with <paramref name="arguments"/>.</summary>
    public static RunningTool Start(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {program}");
        return new RunningTool(program, process);
    }

    /// <summary>Waits for an output line that <paramref name="match"/>es; fails the test if the program ends or takes too long first.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(Patience);
        try
        {
            await foreach (string line in _lines.Reader.ReadAllAsync(deadline.Token))
            {
                if (match(line))
                {
                    return line;
                }
            }
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            Assert.Fail($"{_program} did not print the expected line within {Patience.TotalSeconds} s; output so far: {OutputSoFar()}");
        }

        var (exitCode, output, errors) = await WaitForExitAsync();
        Assert.Fail($"{_program} ended (exit {exitCode}) without printing the expected line; output: {output}; errors: {errors}");
        return "";
    }

    /// <summary>Waits for the program to end; returns how it ended.</summary>
    public async Task<(int ExitCode, string Output, string Errors)> WaitForExitAsync()
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(Patience);
        await _process.WaitForExitAsync(deadline.Token);
        await _reading.WaitAsync(deadline.Token);
        return (_process.ExitCode, OutputSoFar(), await _errors.WaitAsync(deadline.Token));
    }

    /// <summary>Waits for the program to end and insists it succeeded; returns its whole output.</summary>
    public async Task<string> SucceedsAsync()
    {
        var (exitCode, output, errors) = await WaitForExitAsync();
        Assert.True(exitCode == 0, $"{_program} exited with {exitCode}: {errors}; output: {output}");
        return output;
    }

    private string OutputSoFar()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    private async Task ReadOutputAsync()
    {
        try
        {
            while (await _process.StandardOutput.ReadLineAsync() is { } line)
            {
                lock (_output)
                {
                    _output.Append(line).Append('\n');
                }

                _lines.Writer.TryWrite(line);
            }
        }
        finally
        {
            _lines.Writer.TryComplete();
        }
    }

    /// <summary>Ends the program if it is still running (only this one process and its children).</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        _process.Dispose();
    }
}
