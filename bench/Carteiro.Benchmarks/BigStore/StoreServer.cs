using System.Diagnostics;
using System.Globalization;

namespace Carteiro.Benchmarks.BigStore;

/// <summary>
/// A real <c>carteiro serve</c> on an existing data folder (which it keeps: unlike the load
/// generator's server, this one's folder took minutes to fill), with the native protocol and the
/// HTTP API on free loopback ports and the mail doors off. Times its start from just before the
/// process is created to the line that says it is running, and stops it as an operator would
/// (SIGTERM: the store finishes its writes and checkpoints its WAL), so the next start finds the
/// folder as the seed left it.
/// </summary>
internal sealed class StoreServer : IAsyncDisposable
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromMinutes(3);
    private readonly Process _process;

    private StoreServer(Process process, int nativePort, int httpPort, TimeSpan running)
    {
        _process = process;
        NativePort = nativePort;
        HttpPort = httpPort;
        RunningAfter = running;
    }

    public int NativePort { get; }

    public int HttpPort { get; }

    public int Pid => _process.Id;

    /// <summary>From just before the process was created until it printed "carteiro … is running".</summary>
    public TimeSpan RunningAfter { get; }

    /// <summary>The server's resident memory now (VmRSS), in bytes.</summary>
    public long ResidentBytes => StatusBytes("VmRSS:");

    /// <summary>
    /// The anonymous part of <see cref="ResidentBytes"/> (RssAnon: heaps, stacks); the rest is
    /// mostly file pages: the program, the runtime, and database pages read through a memory map.
    /// </summary>
    public long AnonymousBytes => StatusBytes("RssAnon:");

    /// <summary>Bytes the server has caused to be read from storage (read_bytes in /proc/PID/io): page-cache misses, mmap faults included.</summary>
    public long StorageReadBytes
    {
        get
        {
            foreach (string line in File.ReadLines($"/proc/{_process.Id}/io"))
            {
                if (line.StartsWith("read_bytes:", StringComparison.Ordinal))
                {
                    return long.Parse(line["read_bytes:".Length..].Trim(), CultureInfo.InvariantCulture);
                }
            }

            return 0;
        }
    }

    /// <summary>The exit code once stopped: 0 for a clean stop.</summary>
    public int? ExitCode { get; private set; }

    /// <summary>The most the server has had resident (VmHWM), in bytes.</summary>
    public long PeakResidentBytes => StatusBytes("VmHWM:");

    /// <summary>Starts the server and waits until it says it is running; <paramref name="clock"/> starts just before the process does.</summary>
    /// <param name="workingDirectory">
    /// Where the server runs. It matters: ASP.NET's host watches its content root, the working
    /// directory, for configuration changes, with an inotify watch on every directory below it,
    /// set up before the server is running (a start in / took 48 s here, in the data folder ~1.5 s).
    /// </param>
    public static async Task<StoreServer> StartAsync(string serverDll, string dataPath, string workingDirectory, Stopwatch clock)
    {
        int nativePort = Load.ServerProcess.FreePort();
        int httpPort = Load.ServerProcess.FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                serverDll, "serve", "--data", dataPath, "--native", $"127.0.0.1:{nativePort}", "--http", $"127.0.0.1:{httpPort}",
                "--smtp", "none", "--pop3", "none", "--imap", "none", "--log-level", "Warning",
            },
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var running = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };

        // The time is taken in the handler, as the line arrives, not when an awaiting task resumes.
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && line.StartsWith("carteiro ", StringComparison.Ordinal) && line.EndsWith(" is running", StringComparison.Ordinal))
            {
                running.TrySetResult(clock.Elapsed);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (!string.IsNullOrEmpty(e.Data))
            {
                Console.Error.WriteLine($"server: {e.Data}");
            }
        };
        process.Exited += (_, _) => running.TrySetException(new InvalidOperationException($"the server exited with code {process.ExitCode} before it was running"));
        clock.Restart();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var after = await running.Task.WaitAsync(StartLimit).ConfigureAwait(false);
            return new StoreServer(process, nativePort, httpPort, after);
        }
        catch
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.Dispose();
            throw;
        }
    }

    private long StatusBytes(string field)
    {
        foreach (string line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                // "VmRSS:     123456 kB"
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        return 0;
    }

    /// <summary>SIGTERM, then waits for a graceful stop; kills it if that takes over 60 s.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            using (var signal = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false }))
            {
                if (signal is not null)
                {
                    await signal.WaitForExitAsync().ConfigureAwait(false);
                }
            }

            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await _process.WaitForExitAsync(patience.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Console.Error.WriteLine($"server {_process.Id} did not stop within 60 s of SIGTERM: killed");
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().ConfigureAwait(false);
            }
        }

        ExitCode = _process.ExitCode;
        _process.Dispose();
    }
}
