using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Carteiro.IntegrationTests.Support;

/// <summary>
/// The real <c>carteiro serve</c> in a process of its own (the build output copied beside the
/// tests), so a test can kill it outright.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _running = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private readonly IPEndPoint? _native;

    private ServerProcess(Process process, IPEndPoint? native)
    {
        _process = process;
        _native = native;
    }

    public static string Executable => Path.Combine(AppContext.BaseDirectory, "carteiro.dll");

    /// <summary>Where the native protocol listens.</summary>
    public IPEndPoint Native => _native ?? throw new InvalidOperationException("not a server");

    public int ExitCode => _process.ExitCode;

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts <c>carteiro serve</c> on <paramref name="dataPath"/> and <paramref name="port"/> (a free
    /// one when null); waits until it listens.
    /// </summary>
    public static async Task<ServerProcess> StartAsync(string dataPath, CancellationToken cancellationToken, int? port = null)
    {
        for (int attempt = 1; ; attempt++)
        {
            var native = new IPEndPoint(IPAddress.Loopback, port ?? FreePort());
            var server = Launch(native, "serve", "--data", dataPath, "--native", native.ToString(), "--http", "none", "--smtp", "none", "--pop3", "none", "--imap", "none", "--password-iterations", "1000", "--log-level", "Warning");
            var exited = server._process.WaitForExitAsync(cancellationToken);
            var first = await Task.WhenAny(server._running.Task, exited).WaitAsync(StartTimeout, cancellationToken);
            if (first == server._running.Task)
            {
                return server;
            }

            await exited;
            string output = server.Output;
            int code = server.ExitCode;
            await server.DisposeAsync();

            // Another process may have taken the port between our probe and the server's bind,
            // or a fixed port may still be held by the process just killed.
            if (attempt < 5 && output.Contains("cannot listen", StringComparison.Ordinal))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), cancellationToken);
                continue;
            }

            throw new InvalidOperationException($"carteiro serve exited with {code}: {output}");
        }
    }

    /// <summary>Runs <c>carteiro</c> with <paramref name="arguments"/> to its end.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(TimeSpan timeout, params string[] arguments)
    {
        await using var run = Launch(null, arguments);
        using var cancel = new CancellationTokenSource(timeout);
        await run._process.WaitForExitAsync(cancel.Token);
        return (run.ExitCode, run.Output);
    }

    /// <summary>Sends SIGKILL: no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    private static ServerProcess Launch(IPEndPoint? native, params string[] arguments)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Executable);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("CARTEIRO_DATA");
        var process = new Process { StartInfo = start };
        var server = new ServerProcess(process, native);
        process.OutputDataReceived += (_, e) => server.Append(e.Data, running: true);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data, running: false);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    private void Append(string? line, bool running)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (running && line.Contains(" is running", StringComparison.Ordinal))
        {
            _running.TrySetResult();
        }
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }

        _process.Dispose();
    }
}
