using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Carteiro.Benchmarks.Load;

/// <summary>
/// A real <c>carteiro serve</c> process on a free loopback port with a fresh data folder, so the
/// load generator measures the server as people run it.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, string dataPath, int port)
    {
        _process = process;
        DataPath = dataPath;
        Port = port;
    }

    public string DataPath { get; }

    public int Port { get; }

    public static async Task<ServerProcess> StartAsync(string serverDll, CancellationToken cancellationToken)
    {
        string data = Path.Combine(Path.GetTempPath(), $"carteiro-bench-{Guid.NewGuid():N}");
        int port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { serverDll, "serve", "--data", data, "--native", $"127.0.0.1:{port}", "--http", "none", "--smtp", "none", "--pop3", "none", "--imap", "none", "--password-iterations", "1000", "--log-level", "Warning" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the server");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            if (!string.IsNullOrEmpty(e.Data))
            {
                Console.Error.WriteLine($"server: {e.Data}");
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port, cancellationToken).ConfigureAwait(false);
                return new ServerProcess(process, data, port);
            }
            catch (SocketException)
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"the server exited with code {process.ExitCode}");
                }

                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
        }

        process.Kill();
        throw new TimeoutException("the server did not start listening within 30 s");
    }

    /// <summary>User and system CPU time the server has used so far.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public long WorkingSetBytes
    {
        get
        {
            _process.Refresh();
            return _process.WorkingSet64;
        }
    }

    /// <summary>A loopback port nothing listens on now.</summary>
    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }

        _process.Dispose();
        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
