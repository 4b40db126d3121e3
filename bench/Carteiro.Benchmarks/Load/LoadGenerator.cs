using System.Diagnostics;
using System.Threading.Channels;
using Carteiro.Client;

namespace Carteiro.Benchmarks.Load;

/// <summary>
/// Drives a server through <see cref="CarteiroClient"/>: acknowledged durable sends per second
/// with many concurrent senders, and push latency from send to the recipient's event.
/// </summary>
internal sealed class LoadGenerator(LoadSettings settings)
{
    private const string Password = "benchmark password";
    private readonly string _run = Guid.NewGuid().ToString("N")[..6];

    /// <summary>
    /// What the throughput run measured. CPU per send (microseconds of user + system time over the
    /// measured window, divided by the sends acknowledged in it) is the steadier figure on a shared
    /// machine: throughput falls when something else takes the cores, cost per send hardly moves.
    /// </summary>
    public sealed record ThroughputResult(int Senders, int BodySize, long Acknowledged, long Failed, double Seconds, double PerSecond, long EventsReceived,
        double? ServerCpuPerSend, double GeneratorCpuPerSend);

    public sealed record LatencyResult(Percentiles Push, Percentiles Ack);

    private async Task<CarteiroClient> ConnectAsync(string user, bool register, CancellationToken cancellationToken)
    {
        var client = await CarteiroClient.ConnectAsync(settings.Host, settings.Port, CarteiroClientOptions.Default, cancellationToken).ConfigureAwait(false);
        if (register)
        {
            await client.RegisterAsync(user, Password, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await client.LoginAsync(user, Password, cancellationToken).ConfigureAwait(false);
        }

        return client;
    }

    /// <param name="serverCpu">The server process's CPU time so far, when it runs on this machine.</param>
    public async Task<ThroughputResult> RunThroughputAsync(Func<TimeSpan>? serverCpu, CancellationToken cancellationToken)
    {
        var recipients = new List<CarteiroClient>();
        var senders = new List<CarteiroClient>();
        long events = 0;
        try
        {
            for (int i = 0; i < settings.Recipients; i++)
            {
                recipients.Add(await ConnectAsync($"r{_run}x{i}", register: true, cancellationToken).ConfigureAwait(false));
            }

            for (int i = 0; i < settings.Senders; i++)
            {
                senders.Add(await ConnectAsync($"s{_run}x{i}", register: true, cancellationToken).ConfigureAwait(false));
            }

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var drains = recipients.Select(r => DrainAsync(r.Events, () => Interlocked.Increment(ref events), stop.Token)).ToList();
            string body = new('x', settings.BodySize);
            long acknowledged = 0;
            long failed = 0;
            long measuredStart = 0;
            long started = 0;
            var clock = Stopwatch.StartNew();
            var end = settings.Warmup + settings.Duration;
            var tasks = senders.Select((sender, index) => Task.Run(async () =>
            {
                using var window = new SemaphoreSlim(settings.Window, settings.Window);
                var pending = new List<Task>();
                int n = 0;
                while (clock.Elapsed < end && Interlocked.Increment(ref started) <= settings.MaxSends)
                {
                    await window.WaitAsync(cancellationToken).ConfigureAwait(false);
                    string to = $"r{_run}x{(index + n++) % settings.Recipients}";
                    var send = sender.SendAsync(new OutgoingMail { To = [to], Subject = "load", Body = body }, cancellationToken);
                    pending.Add(send.ContinueWith(t =>
                    {
                        window.Release();
                        if (t.IsCompletedSuccessfully)
                        {
                            if (clock.Elapsed >= settings.Warmup)
                            {
                                Interlocked.Increment(ref acknowledged);
                            }
                        }
                        else
                        {
                            Interlocked.Increment(ref failed);
                        }
                    }, TaskScheduler.Default));
                    if (pending.Count > 4 * settings.Window)
                    {
                        pending.RemoveAll(p => p.IsCompleted);
                    }
                }

                await Task.WhenAll(pending).ConfigureAwait(false);
            }, cancellationToken)).ToList();

            // Count only what was acknowledged between the end of warm-up and the deadline.
            while (clock.Elapsed < settings.Warmup)
            {
                await Task.Delay(10, cancellationToken).ConfigureAwait(false);
            }

            measuredStart = Interlocked.Read(ref acknowledged);
            var measureClock = Stopwatch.StartNew();
            var serverCpuStart = serverCpu?.Invoke();
            var generatorCpuStart = Process.GetCurrentProcess().TotalProcessorTime;
            while (clock.Elapsed < end)
            {
                await Task.Delay(10, cancellationToken).ConfigureAwait(false);
            }

            long measured = Interlocked.Read(ref acknowledged) - measuredStart;
            double seconds = measureClock.Elapsed.TotalSeconds;
            double? serverCpuPerSend = serverCpuStart is { } s0 ? (serverCpu!() - s0).TotalMicroseconds / Math.Max(1, measured) : null;
            double generatorCpuPerSend = (Process.GetCurrentProcess().TotalProcessorTime - generatorCpuStart).TotalMicroseconds / Math.Max(1, measured);
            await Task.WhenAll(tasks).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(drains).ConfigureAwait(false);
            return new ThroughputResult(settings.Senders, settings.BodySize, measured, failed, seconds, measured / seconds, Interlocked.Read(ref events),
                serverCpuPerSend, generatorCpuPerSend);
        }
        finally
        {
            foreach (var client in senders.Concat(recipients))
            {
                await client.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    public async Task<LatencyResult> RunLatencyAsync(CancellationToken cancellationToken)
    {
        await using var sender = await ConnectAsync($"ls{_run}", register: true, cancellationToken).ConfigureAwait(false);
        await using var recipient = await ConnectAsync($"lr{_run}", register: true, cancellationToken).ConfigureAwait(false);
        string body = new('x', settings.BodySize);
        var push = new List<double>(settings.LatencySamples);
        var ack = new List<double>(settings.LatencySamples);
        var deadline = Stopwatch.StartNew();
        for (int i = 0; i < settings.LatencySamples + 100 && deadline.Elapsed < TimeSpan.FromSeconds(60); i++)
        {
            long start = Stopwatch.GetTimestamp();
            var sent = await sender.SendAsync(new OutgoingMail { To = [$"lr{_run}"], Subject = "latency", Body = body }, cancellationToken).ConfigureAwait(false);
            long acked = Stopwatch.GetTimestamp();
            long received = await WaitForMailAsync(recipient.Events, sent.MessageId, cancellationToken).ConfigureAwait(false);
            if (i >= 100)
            {
                // The first 100 warm up the JIT and the connection.
                push.Add(Stopwatch.GetElapsedTime(start, received).TotalMicroseconds);
                ack.Add(Stopwatch.GetElapsedTime(start, acked).TotalMicroseconds);
            }
        }

        return new LatencyResult(Percentiles.Of(push), Percentiles.Of(ack));
    }

    private static async Task<long> WaitForMailAsync(ChannelReader<ClientEvent> events, long messageId, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        while (true)
        {
            var next = await events.ReadAsync(timeout.Token).ConfigureAwait(false);
            if (next is MailEvent mail && mail.Message.MessageId == messageId)
            {
                return mail.ReceivedTimestamp;
            }
        }
    }

    private static async Task DrainAsync(ChannelReader<ClientEvent> events, Action counted, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var next in events.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (next is MailEvent)
                {
                    counted();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
