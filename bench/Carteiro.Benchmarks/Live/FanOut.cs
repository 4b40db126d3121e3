using System.Diagnostics;
using System.Globalization;
using Carteiro.Benchmarks.Load;

namespace Carteiro.Benchmarks.Live;

/// <summary>
/// One sender, N online recipients, M messages to everyone: the native protocol's <c>SEND ALL</c>
/// or a PRIVMSG to a channel all of them joined. Measured: the time from the first send until
/// every recipient has received every message, deliveries per second (M × N over that time), and
/// per message the time from its send until its last recipient had it. The sender keeps at most
/// <see cref="Settings.Window"/> messages undelivered (not yet at every recipient), for both
/// servers alike: IRC has no acknowledgement, and a flood would get an IRC sender disconnected
/// (ngircd reads 3 commands per client per loop and drops a client whose unread input passes 2 KiB).
/// Loopback only; bounded in count and time.
/// </summary>
internal static class FanOut
{
    public sealed record Settings(
        LiveTarget Target, int Recipients, int Messages, int Warmup, int Window, int BodySize, string Prefix, string Password,
        int Concurrency, int? ServerPid, TimeSpan Limit);

    public sealed record Result(
        string Server, string Protocol, int Recipients, int Messages, int Window, int BodySize, double SignInSeconds, double SettleSeconds,
        double Seconds, long Deliveries, long Expected, double DeliveriesPerSecond, double MessagesPerSecond,
        Percentiles LastRecipientMicros, Percentiles FirstRecipientMicros, double? ServerCpuMicrosPerMessage, double ClientCpuMicrosPerMessage,
        int Refused, int ClosedByServer, bool Complete, Dictionary<string, double> ServerThreadCpuMs);

    public static async Task<Result> RunAsync(Settings settings)
    {
        using var limit = new CancellationTokenSource(settings.Limit);
        var token = limit.Token;
        int total = settings.Warmup + settings.Messages;
        var tracker = new DeliveryTracker(total, settings.Recipients, settings.Window);
        byte[] body = MessageText.Body(settings.BodySize);

        await using var crowd = await Crowd<LiveConnection>.OpenAsync(settings.Recipients, settings.Concurrency, async (index, ct) =>
        {
            var connection = await settings.Target.OpenAsync($"{settings.Prefix}{index}", settings.Password, 64 * 1024, ct).ConfigureAwait(false);
            await connection.JoinGroupAsync(ct).ConfigureAwait(false);
            connection.Received = tracker.Received;
            return connection;
        }, token).ConfigureAwait(false);
        if (crowd.Failed > 0)
        {
            throw new IOException($"{crowd.Failed} of {settings.Recipients} recipients could not sign in: {crowd.FirstError}");
        }

        await using var sender = await settings.Target.OpenAsync($"{settings.Prefix}s", settings.Password, 64 * 1024, token).ConfigureAwait(false);
        await sender.JoinGroupAsync(token).ConfigureAwait(false);

        // Let the server finish telling everyone who arrived (presence, JOIN) before timing anything.
        var settle = await crowd.WaitQuietAsync(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(120), token).ConfigureAwait(false);

        // A recipient the server drops (a slow consumer, a full write buffer) would never get the
        // rest: stop then, rather than wait for the time limit.
        using var dropped = CancellationTokenSource.CreateLinkedTokenSource(token);
        _ = Task.WhenAny(crowd.Members.Select(m => m.Completion).Append(sender.Completion)).ContinueWith(_ =>
        {
            try
            {
                dropped.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }, TaskScheduler.Default);
        token = dropped.Token;

        // Warm-up messages (the JIT, caches), then the measured ones.
        await SendAsync(sender, tracker, 0, settings.Warmup, body, token).ConfigureAwait(false);
        await tracker.WaitAllAsync(settings.Warmup, token).ConfigureAwait(false);

        double? cpuBefore = TreeCpu.Milliseconds(settings.ServerPid);
        var threadsBefore = ThreadCpu.ByName(settings.ServerPid);
        var clientCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        long started = Stopwatch.GetTimestamp();
        bool complete = true;
        try
        {
            await SendAsync(sender, tracker, settings.Warmup, total, body, token).ConfigureAwait(false);
            await tracker.WaitAllAsync(total, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (dropped.IsCancellationRequested)
        {
            complete = false;
            string? reason = crowd.Members.Append(sender).FirstOrDefault(m => m.Completion.IsCompleted)?.CloseReason;
            Console.Error.WriteLine(limit.IsCancellationRequested
                ? $"fanout: stopped after {settings.Limit.TotalSeconds:F0} s with deliveries missing"
                : $"fanout: stopped, the server closed {crowd.ClosedByServer} recipient connection(s) ({reason ?? "no reason given"})");
        }

        long finished = complete ? tracker.LastDelivery(settings.Warmup, total) : Stopwatch.GetTimestamp();
        double seconds = Stopwatch.GetElapsedTime(started, finished).TotalSeconds;
        double? cpuAfter = TreeCpu.Milliseconds(settings.ServerPid);
        var threads = ThreadCpu.Between(threadsBefore, ThreadCpu.ByName(settings.ServerPid));
        var clientCpu = Process.GetCurrentProcess().TotalProcessorTime - clientCpuBefore;
        long deliveries = tracker.Deliveries(settings.Warmup, total);
        return new Result(
            settings.Target.ToString(), settings.Target.Protocol, settings.Recipients, settings.Messages, settings.Window, settings.BodySize,
            crowd.OpenTime.TotalSeconds, settle.TotalSeconds, seconds, deliveries, (long)settings.Messages * settings.Recipients,
            deliveries / seconds, settings.Messages / seconds,
            Percentiles.Of(tracker.LastLatencies(settings.Warmup, total)), Percentiles.Of(tracker.FirstLatencies(settings.Warmup, total)),
            cpuAfter - cpuBefore is double cpu ? cpu * 1000 / settings.Messages : null, clientCpu.TotalMicroseconds / settings.Messages,
            sender.Refused, crowd.ClosedByServer, complete, threads);
    }

    // Sends messages [from, to), each once fewer than Window messages are still on their way.
    private static async Task SendAsync(LiveConnection sender, DeliveryTracker tracker, int from, int to, byte[] body, CancellationToken cancellationToken)
    {
        for (int number = from; number < to; number++)
        {
            await tracker.WaitForRoomAsync(cancellationToken).ConfigureAwait(false);
            tracker.Sending(number);
            sender.SendToGroup(number, body);
        }
    }

    /// <summary>A line for the console.</summary>
    public static string Describe(Result r) => string.Create(CultureInfo.InvariantCulture,
        $"fanout {r.Server}: {r.Messages} messages × {r.Recipients} recipients ({r.BodySize} B, window {r.Window}) in {r.Seconds:F2} s: " +
        $"{r.DeliveriesPerSecond:N0} deliveries/s, {r.MessagesPerSecond:N1} messages/s; send → last recipient p50 {r.LastRecipientMicros.P50 / 1000:F1} ms " +
        $"p99 {r.LastRecipientMicros.P99 / 1000:F1} ms (first recipient p50 {r.FirstRecipientMicros.P50 / 1000:F1} ms); " +
        $"{r.Deliveries:N0}/{r.Expected:N0} delivered{(r.Complete ? "" : " (INCOMPLETE)")}, {r.Refused} refused, {r.ClosedByServer} dropped; " +
        $"server CPU {(r.ServerCpuMicrosPerMessage is double c ? $"{c / 1000:F2} ms" : "?")}/message, client {r.ClientCpuMicrosPerMessage / 1000:F2} ms/message; " +
        $"sign-in of all {r.SignInSeconds:F1} s");
}
