using System.Diagnostics;
using System.Globalization;
using Carteiro.Benchmarks.Load;

namespace Carteiro.Benchmarks.Live;

/// <summary>
/// Push latency at a fixed rate: an open-loop sender writes message i at its scheduled time
/// start + i / rate to one online recipient, whether or not earlier ones were answered, for
/// warm-up plus the measured seconds. Latency is the recipient's arrival minus the scheduled time,
/// so a server (or sender) that falls behind shows it in the figures instead of slowing the
/// schedule (no coordinated omission). For the native protocol the acknowledgement (after the
/// commit) is measured the same way; IRC does not answer PRIVMSG. The native door allows 128
/// commands in flight: the sender holds a send back rather than pass 120, and that lateness counts.
/// Loopback only; bounded in count and time.
/// </summary>
internal static class PushRate
{
    private const int MaxInFlight = 120;

    public sealed record Settings(
        LiveTarget Target, int Rate, TimeSpan Duration, TimeSpan Warmup, int BodySize, string Prefix, string Password, int? ServerPid, string? TimelinePath = null);

    public sealed record Result(
        string Server, string Protocol, int Rate, double Seconds, int Measured, int Received, int Missing, double AchievedRate,
        Percentiles PushMicros, Percentiles? AckMicros, Percentiles PushFromWriteMicros, Percentiles SenderLagMicros,
        double? ServerCpuMicrosPerMessage, double ClientCpuMicrosPerMessage, int Refused, int HeldBack, Dictionary<string, double> ServerThreadCpuMs);

    public static async Task<Result> RunAsync(Settings settings)
    {
        int rate = Math.Clamp(settings.Rate, 1, 100_000);
        int warmup = (int)(rate * settings.Warmup.TotalSeconds);
        int total = warmup + (int)(rate * settings.Duration.TotalSeconds);
        var scheduled = new long[total];
        var written = new long[total];
        var received = new long[total];
        var acked = new long[total];
        int acks = 0;
        byte[] body = MessageText.Body(settings.BodySize);

        using var limit = new CancellationTokenSource(settings.Warmup + settings.Duration + TimeSpan.FromSeconds(60));
        string recipientName = $"{settings.Prefix}r";
        await using var recipient = await settings.Target.OpenAsync(recipientName, settings.Password, 64 * 1024, limit.Token).ConfigureAwait(false);
        await using var sender = await settings.Target.OpenAsync($"{settings.Prefix}s", settings.Password, 64 * 1024, limit.Token).ConfigureAwait(false);
        recipient.Received = (number, at) =>
        {
            if ((uint)number < (uint)total && received[number] == 0)
            {
                received[number] = at;
            }
        };
        sender.Acknowledged = (number, at) =>
        {
            if ((uint)number < (uint)total)
            {
                acked[number] = at;
                Interlocked.Increment(ref acks);
            }
        };

        // A few unmeasured messages first, so connections and code paths are warm before the schedule starts.
        for (int i = 0; i < 5; i++)
        {
            sender.SendTo(recipientName, total + i, body);
            await Task.Delay(20, limit.Token).ConfigureAwait(false);
        }

        await Task.Delay(200, limit.Token).ConfigureAwait(false);
        bool native = settings.Target.Protocol == "native";
        int heldBack = 0;
        double? cpuBefore = null;
        var threadsBefore = new Dictionary<string, double>();
        var clientCpuBefore = TimeSpan.Zero;
        var pacer = new Thread(() =>
        {
            PreciseSleep.UseFineTimerSlack();
            long start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 50;
            double ticksPerMessage = (double)Stopwatch.Frequency / rate;
            for (int i = 0; i < total && !limit.IsCancellationRequested; i++)
            {
                long due = start + (long)(i * ticksPerMessage);
                scheduled[i] = due;
                PreciseSleep.Until(due);
                if (i == warmup)
                {
                    cpuBefore = TreeCpu.Milliseconds(settings.ServerPid);
                    threadsBefore = ThreadCpu.ByName(settings.ServerPid);
                    clientCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                }

                if (native && i - Volatile.Read(ref acks) >= MaxInFlight)
                {
                    heldBack++;
                    while (i - Volatile.Read(ref acks) >= MaxInFlight && !limit.IsCancellationRequested)
                    {
                        PreciseSleep.Until(Stopwatch.GetTimestamp() + Stopwatch.Frequency / 10_000);
                    }
                }

                written[i] = Stopwatch.GetTimestamp();
                sender.SendTo(recipientName, i, body);
            }
        })
        {
            IsBackground = true,
            Name = "push-rate pacer",
            Priority = ThreadPriority.AboveNormal,
        };
        pacer.Start();
        await Task.Run(pacer.Join, limit.Token).ConfigureAwait(false);

        // Everything sent: give stragglers up to 10 s.
        var drain = Stopwatch.StartNew();
        while (drain.Elapsed < TimeSpan.FromSeconds(10) && (Array.IndexOf(received, 0L, warmup) >= 0 || (native && Volatile.Read(ref acks) < total)))
        {
            await Task.Delay(10, limit.Token).ConfigureAwait(false);
        }

        double? cpuAfter = TreeCpu.Milliseconds(settings.ServerPid);
        var threads = ThreadCpu.Between(threadsBefore, ThreadCpu.ByName(settings.ServerPid));
        var clientCpu = Process.GetCurrentProcess().TotalProcessorTime - clientCpuBefore;
        var push = new List<double>();
        var fromWrite = new List<double>();
        var ack = new List<double>();
        var lag = new List<double>();
        long lastArrival = 0;
        for (int i = warmup; i < total; i++)
        {
            lag.Add(Stopwatch.GetElapsedTime(scheduled[i], written[i]).TotalMicroseconds);
            if (received[i] != 0)
            {
                push.Add(Stopwatch.GetElapsedTime(scheduled[i], received[i]).TotalMicroseconds);
                fromWrite.Add(Stopwatch.GetElapsedTime(written[i], received[i]).TotalMicroseconds);
                lastArrival = Math.Max(lastArrival, received[i]);
            }

            if (acked[i] != 0)
            {
                ack.Add(Stopwatch.GetElapsedTime(scheduled[i], acked[i]).TotalMicroseconds);
            }
        }

        if (settings.TimelinePath is { } timelinePath)
        {
            await WriteTimelineAsync(timelinePath, scheduled, written, received, acked, warmup).ConfigureAwait(false);
        }

        int measured = total - warmup;
        double seconds = measured > 0 && lastArrival > 0 ? Stopwatch.GetElapsedTime(scheduled[warmup], lastArrival).TotalSeconds : 0;
        return new Result(
            settings.Target.ToString(), settings.Target.Protocol, rate, settings.Duration.TotalSeconds, measured, push.Count, measured - push.Count,
            seconds > 0 ? push.Count / seconds : 0, Percentiles.Of(push), native ? Percentiles.Of(ack) : null, Percentiles.Of(fromWrite), Percentiles.Of(lag),
            cpuAfter - cpuBefore is double cpu ? cpu * 1000 / Math.Max(1, measured) : null, clientCpu.TotalMicroseconds / Math.Max(1, measured),
            sender.Refused, heldBack, threads);
    }

    // One line a measured message, in microseconds from the first one's scheduled time: when it was
    // due, when it was written, when it arrived and was acknowledged (-1: never). A tail is then
    // seen as the moments it happened at, which tells a periodic stall from scattered lateness.
    private static async Task WriteTimelineAsync(string path, long[] scheduled, long[] written, long[] received, long[] acked, int warmup)
    {
        await using var file = new StreamWriter(path);
        await file.WriteLineAsync("number,due_us,written_us,received_us,acked_us").ConfigureAwait(false);
        long origin = scheduled[warmup];
        string At(long timestamp) => timestamp == 0 ? "-1" : Stopwatch.GetElapsedTime(origin, timestamp).TotalMicroseconds.ToString("F0", CultureInfo.InvariantCulture);
        for (int i = warmup; i < scheduled.Length; i++)
        {
            await file.WriteLineAsync(Invariant($"{i - warmup},{At(scheduled[i])},{At(written[i])},{At(received[i])},{At(acked[i])}")).ConfigureAwait(false);
        }
    }

    /// <summary>A line for the console.</summary>
    public static string Describe(Result r)
    {
        string line = Invariant($"push-rate {r.Server}: {r.Rate:N0}/s for {r.Seconds:F0} s, {r.Received:N0}/{r.Measured:N0} received ({r.AchievedRate:N0}/s), ")
            + Invariant($"scheduled send → recipient p50 {r.PushMicros.P50 / 1000:F2} ms p90 {r.PushMicros.P90 / 1000:F2} ms p99 {r.PushMicros.P99 / 1000:F2} ms max {r.PushMicros.Max / 1000:F1} ms");
        if (r.AckMicros is { } a)
        {
            line += Invariant($"; ack p50 {a.P50 / 1000:F2} ms p99 {a.P99 / 1000:F2} ms");
        }

        line += Invariant($"; sender lag p99 {r.SenderLagMicros.P99:F0} µs; server CPU ") + (r.ServerCpuMicrosPerMessage is double c ? Invariant($"{c:F0} µs") : "?") + "/message";
        if (r.Missing > 0)
        {
            line += Invariant($"; {r.Missing} MISSING");
        }

        return r.HeldBack > 0 ? line + Invariant($"; held back {r.HeldBack}× at {MaxInFlight} in flight") : line;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
