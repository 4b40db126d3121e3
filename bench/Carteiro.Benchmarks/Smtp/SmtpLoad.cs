using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;

namespace Carteiro.Benchmarks.Smtp;

/// <summary>
/// Accepted 1 KiB messages per second over SMTP from concurrent sessions, for any SMTP server
/// (Carteiro's submission door, Postfix): each session signs in once (or not, for a server that
/// takes loopback mail without), then sends MAIL, RCPT and DATA pipelined and waits for the
/// final 250, message after message. A lean client on raw sockets, so the figure is the server's.
/// Loopback only; bounded in time.
/// </summary>
internal static class SmtpLoad
{
    public sealed record Settings(string Host, int Port, int Sessions, int Size, TimeSpan Duration, TimeSpan Warmup, string From, string To, string? User, string? Password);

    public sealed record Result(int Sessions, int Size, long Accepted, long Refused, double Seconds, double PerSecond, double P50Micros, double P99Micros);

    public static async Task<Result> RunAsync(Settings settings)
    {
        if (settings.Host is not ("127.0.0.1" or "localhost" or "::1"))
        {
            throw new ArgumentException("load goes to loopback only");
        }

        byte[] message = Message(settings);
        long accepted = 0;
        long refused = 0;
        var latencies = new List<double>();
        var clock = Stopwatch.StartNew();
        var end = settings.Warmup + settings.Duration;
        var sessions = Enumerable.Range(0, settings.Sessions).Select(_ => Task.Run(async () =>
        {
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(settings.Host, settings.Port).ConfigureAwait(false);
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            var reader = PipeReader.Create(stream);
            await ExpectAsync(reader, "220").ConfigureAwait(false);
            await WriteAsync(stream, "EHLO bench.localhost\r\n").ConfigureAwait(false);
            await ExpectAsync(reader, "250").ConfigureAwait(false);
            if (settings.User is not null)
            {
                string plain = Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{settings.User}\0{settings.Password}"));
                await WriteAsync(stream, $"AUTH PLAIN {plain}\r\n").ConfigureAwait(false);
                await ExpectAsync(reader, "235").ConfigureAwait(false);
            }

            byte[] envelope = Encoding.ASCII.GetBytes($"MAIL FROM:<{settings.From}>\r\nRCPT TO:<{settings.To}>\r\nDATA\r\n");
            var mine = new List<double>();
            while (clock.Elapsed < end)
            {
                long started = Stopwatch.GetTimestamp();
                await stream.WriteAsync(envelope).ConfigureAwait(false);
                await ExpectAsync(reader, "250").ConfigureAwait(false);
                await ExpectAsync(reader, "250").ConfigureAwait(false);
                await ExpectAsync(reader, "354").ConfigureAwait(false);
                await stream.WriteAsync(message).ConfigureAwait(false);
                bool ok = await ExpectAsync(reader, "250", throwOnOther: false).ConfigureAwait(false);
                if (clock.Elapsed >= settings.Warmup && clock.Elapsed < end)
                {
                    Interlocked.Increment(ref ok ? ref accepted : ref refused);
                    mine.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
                }
            }

            await WriteAsync(stream, "QUIT\r\n").ConfigureAwait(false);
            lock (latencies)
            {
                latencies.AddRange(mine);
            }
        })).ToList();
        await Task.WhenAll(sessions).ConfigureAwait(false);
        latencies.Sort();
        double Percentile(double p) => latencies.Count == 0 ? 0 : latencies[Math.Min(latencies.Count - 1, (int)(p * latencies.Count))];
        double seconds = settings.Duration.TotalSeconds;
        return new Result(settings.Sessions, settings.Size, accepted, refused, seconds, accepted / seconds, Percentile(0.5), Percentile(0.99));
    }

    // Headers and a body of printable lines, about Size bytes in all, dot-terminated.
    private static byte[] Message(Settings settings)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"From: <{settings.From}>\r\nTo: <{settings.To}>\r\nSubject: load\r\n\r\n");
        while (text.Length < settings.Size)
        {
            text.Append("The quick brown fox jumps over the lazy dog, again and again and again.\r\n");
        }

        return Encoding.ASCII.GetBytes(text.Append(".\r\n").ToString());
    }

    private static Task WriteAsync(NetworkStream stream, string text) => stream.WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask();

    // Reads one reply (all its lines); true when its code is the expected one.
    private static async Task<bool> ExpectAsync(PipeReader reader, string code, bool throwOnOther = true)
    {
        while (true)
        {
            var result = await reader.ReadAsync().ConfigureAwait(false);
            var buffer = result.Buffer;
            while (buffer.PositionOf((byte)'\n') is { } end)
            {
                string line = Encoding.ASCII.GetString(buffer.Slice(0, end));
                buffer = buffer.Slice(buffer.GetPosition(1, end));
                if (line.Length >= 4 && line[3] == '-')
                {
                    continue;
                }

                reader.AdvanceTo(buffer.Start);
                if (line.StartsWith(code, StringComparison.Ordinal))
                {
                    return true;
                }

                return throwOnOther ? throw new InvalidOperationException($"expected {code}, got: {line.TrimEnd()}") : false;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                throw new IOException("the server closed the connection");
            }
        }
    }
}
