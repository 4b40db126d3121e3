using System.Diagnostics;
using System.Globalization;
using Carteiro.Benchmarks.Load;

namespace Carteiro.Benchmarks.Imap;

/// <summary>
/// IMAP scenarios for any IMAP4rev1 server (Carteiro's door, Dovecot), on raw sockets:
/// <list type="bullet">
/// <item><c>seed</c>: APPENDs <see cref="Settings.Count"/> messages of <see cref="ImapCorpus"/> into a folder, pipelined with LITERAL+ when offered,
/// over <see cref="Settings.SeedConnections"/> connections;</item>
/// <item><c>maildir</c>: writes the same messages as Maildir files straight into a folder (<see cref="ImapMaildir"/>; no server involved);</item>
/// <item><c>fetch</c>: <c>FETCH 1:* (FLAGS ENVELOPE)</c> on the whole folder, each run in a fresh session (SELECT timed apart);</item>
/// <item><c>search</c>: <c>UID SEARCH TEXT "word"</c>, each run in a fresh session;</item>
/// <item><c>login</c>: connect, LOGIN, LOGOUT, over N parallel connections for D seconds;</item>
/// <item><c>idle</c>: one connection idles on a folder, another APPENDs to it; the time from sending the APPEND to the idler's <c>* n EXISTS</c>.</item>
/// </list>
/// Loopback only; every scenario is bounded in count and in time (<see cref="Settings.Limit"/>).
/// </summary>
internal static class ImapBench
{
    public sealed record Settings(
        string Host, int Port, string User, string Password, string Scenario, string Folder, string Label,
        int Count, int Window, int Runs, string Items, string Word, int Connections, TimeSpan Duration, TimeSpan Warmup,
        int Wakes, int WarmupWakes, string IdleFolder, int? ServerPid, TimeSpan Limit, string? Maildir = null, int SeedConnections = 1);

    public sealed record SeedResult(
        string Server, string Scenario, int Appended, int FolderMessages, long Bytes, double Seconds, double PerSecond, bool LiteralPlus, int Window, double? ServerCpuMs,
        int Connections);

    public sealed record CommandRun(double SelectMs, double CommandMs, int Responses, long Bytes, double? SelectServerCpuMs, double? ServerCpuMs);

    public sealed record CommandResult(
        string Server, string Scenario, string Command, int Messages, int Responses, long Bytes, CommandRun First, IReadOnlyList<CommandRun> Runs,
        double MedianSelectMs, double MedianMs, double MinMs, double MaxMs, double MessagesPerSecond, double? MedianServerCpuMs);

    public sealed record LoginResult(
        string Server, string Scenario, int Connections, double Seconds, long Completed, long Failed, double PerSecond,
        double P50Micros, double P90Micros, double P99Micros, double? ServerCpuMicrosPerLogin);

    public sealed record IdleResult(
        string Server, string Scenario, int Wakes, Percentiles Wake, Percentiles AppendAck, IReadOnlyList<double> WakeMicros);

    public static async Task<object> RunAsync(Settings settings)
    {
        ImapConnection.EnsureLoopback(settings.Host);
        using var limit = new CancellationTokenSource(settings.Limit);
        return settings.Scenario switch
        {
            "seed" => await SeedAsync(settings, limit.Token).ConfigureAwait(false),
            "maildir" => ImapMaildir.Write(settings),
            "fetch" => await TimedCommandAsync(settings, $"FETCH 1:* {settings.Items}", limit.Token).ConfigureAwait(false),
            "search" => await TimedCommandAsync(settings, $"UID SEARCH TEXT {ImapConnection.Quote(settings.Word)}", limit.Token).ConfigureAwait(false),
            "login" => await LoginAsync(settings, limit.Token).ConfigureAwait(false),
            "idle" => await IdleAsync(settings, limit.Token).ConfigureAwait(false),
            _ => throw new ArgumentException($"unknown scenario '{settings.Scenario}': seed, maildir, fetch, search, login or idle"),
        };
    }

    /// <summary>A line for the console.</summary>
    public static string Describe(object result) => result switch
    {
        SeedResult { Scenario: "maildir" } s => Invariant($"imap maildir {s.Server}: {s.Appended:N0} messages ({s.Bytes / 1024.0 / 1024:F1} MiB) ")
            + Invariant($"written as Maildir files in {s.Seconds:F1} s, {s.PerSecond:N0}/s"),
        SeedResult s => Invariant($"imap seed {s.Server}: {s.Appended:N0} messages ({s.Bytes / 1024.0 / 1024:F1} MiB) appended in {s.Seconds:F1} s, {s.PerSecond:N0}/s ")
            + (s.LiteralPlus ? Invariant($"(LITERAL+, {s.Window} in flight") : "(synchronizing literals")
            + Invariant($" on each of {s.Connections} connections); folder holds {s.FolderMessages:N0}{Cpu(s.ServerCpuMs, "ms server CPU")}"),
        CommandResult c => Invariant($"imap {c.Scenario} {c.Server}: {c.Command} on {c.Messages:N0} messages: median {c.MedianMs:F1} ms ")
            + Invariant($"(min {c.MinMs:F1}, max {c.MaxMs:F1}, first {c.First.CommandMs:F1}) over {c.Runs.Count} runs, {c.MessagesPerSecond:N0} messages/s, ")
            + Invariant($"{c.Responses:N0} responses, {c.Bytes:N0} B; SELECT median {c.MedianSelectMs:F1} ms{Cpu(c.MedianServerCpuMs, "ms server CPU for the command")}"),
        LoginResult l => Invariant($"imap login {l.Server}: {l.PerSecond:N0} sign-ins/s (LOGIN+LOGOUT, {l.Connections} connections, {l.Completed:N0} in {l.Seconds:F0} s, ")
            + Invariant($"{l.Failed} failed), per cycle p50 {l.P50Micros:F0} µs p99 {l.P99Micros:F0} µs{Cpu(l.ServerCpuMicrosPerLogin, "µs server CPU per sign-in")}"),
        IdleResult i => Invariant($"imap idle {i.Server}: {i.Wakes} wakes, APPEND sent → * n EXISTS p50 {i.Wake.P50:F0} µs p90 {i.Wake.P90:F0} µs ")
            + Invariant($"p99 {i.Wake.P99:F0} µs max {i.Wake.Max:F0} µs; APPEND → tagged OK p50 {i.AppendAck.P50:F0} µs"),
        _ => result.ToString() ?? "",
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Cpu(double? value, string unit) => value is double v ? Invariant($"; {v:F0} {unit}") : "";

    private static Task<ImapConnection> SignInAsync(Settings settings, CancellationToken cancellationToken) =>
        ImapConnection.SignInAsync(settings.Host, settings.Port, settings.User, settings.Password, cancellationToken);

    private static async Task CreateFolderAsync(ImapConnection connection, string folder, CancellationToken cancellationToken)
    {
        if (!folder.Equals("INBOX", StringComparison.OrdinalIgnoreCase))
        {
            // NO when it exists already: either way it is there afterwards.
            await connection.CommandAsync($"CREATE {ImapConnection.Quote(folder)}", cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<SeedResult> SeedAsync(Settings settings, CancellationToken cancellationToken)
    {
        await using var connection = await SignInAsync(settings, cancellationToken).ConfigureAwait(false);
        if (connection.Capabilities.Length == 0)
        {
            await connection.RefreshCapabilitiesAsync(cancellationToken).ConfigureAwait(false);
        }

        await CreateFolderAsync(connection, settings.Folder, cancellationToken).ConfigureAwait(false);

        // The other connections sign in before the clock starts; each takes the next message
        // number when it has room, so the folder fills in about corpus order.
        var others = new List<ImapConnection>();
        try
        {
            for (int i = 1; i < Math.Max(1, settings.SeedConnections); i++)
            {
                var other = await SignInAsync(settings, cancellationToken).ConfigureAwait(false);
                others.Add(other);
                if (other.Capabilities.Length == 0)
                {
                    await other.RefreshCapabilitiesAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            int next = -1;
            long bytes = 0;
            var cpuBefore = ProcessTreeCpu.Take(settings.ServerPid);
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(others.Prepend(connection).Select(c => Task.Run(async () =>
            {
                long sent = await AppendAllAsync(c, settings, () => Interlocked.Increment(ref next), cancellationToken).ConfigureAwait(false);
                Interlocked.Add(ref bytes, sent);
            }, cancellationToken))).ConfigureAwait(false);
            double seconds = clock.Elapsed.TotalSeconds;
            var cpuAfter = ProcessTreeCpu.Take(settings.ServerPid);
            int messages = -1;
            await connection.MustAsync($"STATUS {ImapConnection.Quote(settings.Folder)} (MESSAGES)", cancellationToken, line =>
            {
                int at = line.IndexOf("(MESSAGES ", StringComparison.OrdinalIgnoreCase);
                if (at >= 0)
                {
                    messages = int.Parse(line.AsSpan(at + "(MESSAGES ".Length).TrimEnd(')'), NumberStyles.None, CultureInfo.InvariantCulture);
                }
            }).ConfigureAwait(false);
            foreach (var other in others)
            {
                await other.LogoutAsync(cancellationToken).ConfigureAwait(false);
            }

            await connection.LogoutAsync(cancellationToken).ConfigureAwait(false);
            int window = connection.HasLiteralPlus ? Math.Max(1, settings.Window) : 1;
            return new SeedResult(settings.Label, "seed", settings.Count, messages, bytes, seconds, settings.Count / seconds, connection.HasLiteralPlus, window,
                ProcessTreeCpu.Between(cpuBefore, cpuAfter), others.Count + 1);
        }
        finally
        {
            foreach (var other in others)
            {
                await other.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    // APPENDs on one connection the messages whose numbers take() hands out (until one is past Count), Window in flight; the bytes sent.
    private static async Task<long> AppendAllAsync(ImapConnection connection, Settings settings, Func<int> take, CancellationToken cancellationToken)
    {
        // Without LITERAL+ each APPEND waits for "+": one at a time.
        int window = connection.HasLiteralPlus ? Math.Max(1, settings.Window) : 1;
        var inFlight = new Queue<string>();
        long bytes = 0;
        for (int i = take(); i < settings.Count; i = take())
        {
            while (inFlight.Count >= window)
            {
                await ExpectOkAsync(connection, inFlight.Dequeue(), cancellationToken).ConfigureAwait(false);
            }

            byte[] message = ImapCorpus.Message(i);
            bytes += message.Length;
            inFlight.Enqueue(await connection.SendAppendAsync(settings.Folder, ImapCorpus.Flags(i), message, cancellationToken).ConfigureAwait(false));
        }

        while (inFlight.Count > 0)
        {
            await ExpectOkAsync(connection, inFlight.Dequeue(), cancellationToken).ConfigureAwait(false);
        }

        return bytes;
    }

    private static async Task ExpectOkAsync(ImapConnection connection, string tag, CancellationToken cancellationToken)
    {
        var outcome = await connection.ReadUntilTaggedAsync(tag, cancellationToken).ConfigureAwait(false);
        if (!outcome.Ok)
        {
            throw new IOException($"APPEND failed: {outcome.Tagged}");
        }
    }

    // One warm-up run (reported as First), then Runs measured ones, each in a fresh session:
    // sign in, SELECT (timed), the command (timed), LOGOUT.
    private static async Task<CommandResult> TimedCommandAsync(Settings settings, string command, CancellationToken cancellationToken)
    {
        var runs = new List<CommandRun>();
        int messages = 0;
        for (int run = 0; run <= settings.Runs; run++)
        {
            await using var connection = await SignInAsync(settings, cancellationToken).ConfigureAwait(false);
            var cpuBefore = ProcessTreeCpu.Take(settings.ServerPid);
            long started = Stopwatch.GetTimestamp();
            messages = await connection.SelectAsync(settings.Folder, cancellationToken).ConfigureAwait(false);
            double selectMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            long selectBytes = connection.BytesReceived;
            var cpuSelected = ProcessTreeCpu.Take(settings.ServerPid);
            int responses = 0;
            started = Stopwatch.GetTimestamp();
            await connection.MustAsync(command, cancellationToken, line =>
            {
                if (line.StartsWith("* SEARCH", StringComparison.OrdinalIgnoreCase))
                {
                    // The hits, not the one response, are what a search is counted by.
                    responses += line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length - 2;
                }
                else if (line.Contains(" FETCH (", StringComparison.OrdinalIgnoreCase))
                {
                    responses++;
                }
            }).ConfigureAwait(false);
            double commandMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var cpuAfter = ProcessTreeCpu.Take(settings.ServerPid);
            runs.Add(new CommandRun(selectMs, commandMs, responses, connection.BytesReceived - selectBytes, ProcessTreeCpu.Between(cpuBefore, cpuSelected), ProcessTreeCpu.Between(cpuSelected, cpuAfter)));
            await connection.LogoutAsync(cancellationToken).ConfigureAwait(false);
        }

        var measured = runs.Skip(1).ToList();
        var times = measured.Select(r => r.CommandMs).ToList();
        double median = Median(times);
        var cpu = measured.Where(r => r.ServerCpuMs is not null).Select(r => r.ServerCpuMs!.Value).ToList();
        var last = measured[^1];
        return new CommandResult(settings.Label, settings.Scenario, command, messages, last.Responses, last.Bytes, runs[0], measured,
            Median(measured.Select(r => r.SelectMs).ToList()), median, times.Min(), times.Max(), messages / (median / 1000), cpu.Count > 0 ? Median(cpu) : null);
    }

    private static double Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        values.Sort();
        int middle = values.Count / 2;
        return values.Count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    }

    // Each connection: connect and read the greeting, LOGIN, LOGOUT, wait for the server to close; again.
    private static async Task<LoginResult> LoginAsync(Settings settings, CancellationToken cancellationToken)
    {
        const long MaxSignIns = 2_000_000;
        long completed = 0;
        long failed = 0;
        var latencies = new List<double>();
        var clock = Stopwatch.StartNew();
        var end = settings.Warmup + settings.Duration;
        var workers = Enumerable.Range(0, settings.Connections).Select(_ => Task.Run(async () =>
        {
            var mine = new List<double>();
            while (clock.Elapsed < end && Interlocked.Read(ref completed) < MaxSignIns && !cancellationToken.IsCancellationRequested)
            {
                long started = Stopwatch.GetTimestamp();
                bool ok;
                try
                {
                    await using var connection = await ImapConnection.OpenAsync(settings.Host, settings.Port, cancellationToken).ConfigureAwait(false);
                    var outcome = await connection.CommandAsync($"LOGIN {ImapConnection.Quote(settings.User)} {ImapConnection.Quote(settings.Password)}", cancellationToken).ConfigureAwait(false);
                    ok = outcome.Ok;
                    await connection.LogoutAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (IOException)
                {
                    ok = false;
                }
                catch (System.Net.Sockets.SocketException)
                {
                    ok = false;
                }

                var at = clock.Elapsed;
                if (at >= settings.Warmup && at < end)
                {
                    if (ok)
                    {
                        Interlocked.Increment(ref completed);
                        mine.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
                    }
                    else
                    {
                        Interlocked.Increment(ref failed);
                    }
                }
            }

            lock (latencies)
            {
                latencies.AddRange(mine);
            }
        }, cancellationToken)).ToList();

        // Server CPU over the measured window only.
        await Task.Delay(settings.Warmup, cancellationToken).ConfigureAwait(false);
        var cpuBefore = ProcessTreeCpu.Take(settings.ServerPid);
        await Task.Delay(settings.Duration, cancellationToken).ConfigureAwait(false);
        var cpuAfter = ProcessTreeCpu.Take(settings.ServerPid);
        long inWindow = Interlocked.Read(ref completed);
        await Task.WhenAll(workers).ConfigureAwait(false);
        var percentiles = Percentiles.Of(latencies);
        double seconds = settings.Duration.TotalSeconds;
        return new LoginResult(settings.Label, "login", settings.Connections, seconds, completed, failed, completed / seconds,
            percentiles.P50, percentiles.P90, percentiles.P99, ProcessTreeCpu.Between(cpuBefore, cpuAfter) is double cpu && inWindow > 0 ? cpu * 1000 / inWindow : null);
    }

    // One connection idles on a folder; another appends to it, one message at a time. Measured:
    // from sending the APPEND until the idler reads "* n EXISTS" for it, and until the APPEND's OK.
    private static async Task<IdleResult> IdleAsync(Settings settings, CancellationToken cancellationToken)
    {
        await using var appender = await SignInAsync(settings, cancellationToken).ConfigureAwait(false);
        await CreateFolderAsync(appender, settings.IdleFolder, cancellationToken).ConfigureAwait(false);
        await using var idler = await SignInAsync(settings, cancellationToken).ConfigureAwait(false);
        int exists = await idler.SelectAsync(settings.IdleFolder, cancellationToken).ConfigureAwait(false);
        string idleTag = idler.NextTag();
        await idler.SendAsync($"{idleTag} IDLE\r\n", cancellationToken).ConfigureAwait(false);
        while (true)
        {
            string line = await idler.ReadResponseAsync(cancellationToken).ConfigureAwait(false);
            if (line.StartsWith('+'))
            {
                break;
            }

            if (line.StartsWith(idleTag + " ", StringComparison.Ordinal))
            {
                throw new IOException($"IDLE refused: {line}");
            }
        }

        string run = Guid.NewGuid().ToString("N")[..12];
        var wakes = new List<double>();
        var acks = new List<double>();
        for (int i = 0; i < settings.WarmupWakes + settings.Wakes; i++)
        {
            int expected = exists + i + 1;
            byte[] message = ImapCorpus.Wake(i, run);
            using var perWake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            perWake.CancelAfter(TimeSpan.FromSeconds(10));
            long started = Stopwatch.GetTimestamp();
            var woken = WaitForExistsAsync(idler, expected, started, perWake.Token);
            string tag = await appender.SendAppendAsync(settings.IdleFolder, "", message, perWake.Token).ConfigureAwait(false);
            var outcome = await appender.ReadUntilTaggedAsync(tag, perWake.Token).ConfigureAwait(false);
            double ack = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            if (!outcome.Ok)
            {
                throw new IOException($"APPEND failed: {outcome.Tagged}");
            }

            double wake;
            try
            {
                wake = await woken.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"the idling connection was not told of message {expected} within 10 s");
            }

            if (i >= settings.WarmupWakes)
            {
                wakes.Add(wake);
                acks.Add(ack);
            }
        }

        await idler.SendAsync("DONE\r\n", cancellationToken).ConfigureAwait(false);
        await idler.ReadUntilTaggedAsync(idleTag, cancellationToken).ConfigureAwait(false);
        await idler.LogoutAsync(cancellationToken).ConfigureAwait(false);
        await appender.LogoutAsync(cancellationToken).ConfigureAwait(false);
        var samples = new List<double>(wakes);
        return new IdleResult(settings.Label, "idle", wakes.Count, Percentiles.Of(wakes), Percentiles.Of(acks), samples);
    }

    private static async Task<double> WaitForExistsAsync(ImapConnection idler, int expected, long started, CancellationToken cancellationToken)
    {
        while (true)
        {
            string line = await idler.ReadResponseAsync(cancellationToken).ConfigureAwait(false);
            if (ImapConnection.ExistsOf(line) is int n && n >= expected)
            {
                return Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            }
        }
    }
}
