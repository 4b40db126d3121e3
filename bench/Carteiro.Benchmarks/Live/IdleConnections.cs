using System.Diagnostics;
using System.Globalization;
using Carteiro.Benchmarks.Imap;

namespace Carteiro.Benchmarks.Live;

/// <summary>
/// Memory per idle connection: the server's process tree (PSS and RSS, <see cref="ProcessTreeMemory"/>)
/// before, then with N signed-in connections that do nothing but stay (the native client sends
/// NOOP every third of the idle timeout, as the .NET client does; the IRC client answers PING; an
/// IMAP client is signed in and sends nothing), sampled after a settle and again after a longer
/// wait (a .NET server may give memory back after a GC, which cannot be triggered from outside),
/// and once more after all are closed. Per connection = (with − before) / N.
/// The connections open in equal rounds with a sample after each; the least-squares slope of the
/// server's PSS over those samples is what each further connection costs, without what a server
/// spends once on its first clients (code compiled on first use, pools and heaps grown, the
/// accounts signed in for the first time), which the all-in figure spreads over N. A slope over
/// several samples also evens out a garbage-collected heap's steps.
/// Loopback only; bounded in count and time.
/// </summary>
internal static class IdleConnections
{
    public sealed record Settings(
        LiveTarget Target, int Count, int Rounds, int Accounts, string Prefix, string User, string Password, int Concurrency, int ServerPid,
        TimeSpan Settle, TimeSpan Wait, TimeSpan Limit);

    public sealed record Result(
        string Server, string Protocol, int Requested, int Open, int Failed, int Retries, string? FirstError, int Accounts, double OpenSeconds, double QuietSeconds,
        ProcessTreeMemory.Sample Before, ProcessTreeMemory.Sample After, ProcessTreeMemory.Sample Later, ProcessTreeMemory.Sample? Closed,
        double PssPerConnection, double RssPerConnection, double PssPerConnectionLater, double RssPerConnectionLater, int ClosedByServer,
        double ClientRssMiB, IReadOnlyList<Step> Steps, double PssPerFurtherConnection, double RssPerFurtherConnection);

    /// <summary>The server's memory with <paramref name="Open"/> connections, after one round.</summary>
    public sealed record Step(int Open, ProcessTreeMemory.Sample Memory);

    public static async Task<Result> RunAsync(Settings settings)
    {
        using var limit = new CancellationTokenSource(settings.Limit);
        var token = limit.Token;
        await Task.Delay(settings.Settle, token).ConfigureAwait(false);
        var before = Sample(settings);
        var target = settings.Target;
        int accounts = settings.Accounts > 0 ? Math.Min(settings.Accounts, settings.Count) : settings.Count;
        async Task<Crowd<IAsyncDisposable>> OpenAsync(int offset, int count)
        {
            if (target.Protocol == "imap")
            {
                return await Crowd<IAsyncDisposable>.OpenAsync(count, settings.Concurrency, async (_, ct) =>
                    await ImapConnection.SignInAsync(target.Host, target.Port, settings.User, settings.Password, ct).ConfigureAwait(false),
                    token).ConfigureAwait(false);
            }

            // Native names repeat when there are fewer accounts than connections (sessions of one
            // account); IRC nicks are unique per connection.
            return await Crowd<IAsyncDisposable>.OpenAsync(count, settings.Concurrency, async (index, ct) =>
                await target.OpenAsync($"{settings.Prefix}{(target.Protocol == "native" ? (offset + index) % accounts : offset + index)}", settings.Password, 4096, ct).ConfigureAwait(false),
                token).ConfigureAwait(false);
        }

        async Task<TimeSpan> SettleAsync(params Crowd<IAsyncDisposable>[] crowds)
        {
            var waited = TimeSpan.Zero;
            foreach (var crowd in crowds)
            {
                waited += await crowd.WaitQuietAsync(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5), token).ConfigureAwait(false);
            }

            await Task.Delay(settings.Settle, token).ConfigureAwait(false);
            return waited;
        }

        int rounds = Math.Clamp(settings.Rounds, 1, settings.Count);
        var crowds = new List<Crowd<IAsyncDisposable>>();

        // Summed over the rounds' crowds, for the log line and the result alike.
        int Failed() => crowds.Sum(c => c.Failed);
        int Retries() => crowds.Sum(c => c.Retries);
        double OpenSeconds() => crowds.Sum(c => c.OpenTime.TotalSeconds);
        string? FirstError() => crowds.Select(c => c.FirstError).FirstOrDefault(e => e is not null);

        var steps = new List<Step>();
        ProcessTreeMemory.Sample after;
        ProcessTreeMemory.Sample later;
        TimeSpan quiet = TimeSpan.Zero;
        int closedByServer;
        double clientRss;
        try
        {
            for (int round = 0, opened = 0; round < rounds; round++)
            {
                int next = (int)((long)settings.Count * (round + 1) / rounds);
                crowds.Add(await OpenAsync(opened, next - opened).ConfigureAwait(false));
                opened = next;
                quiet = await SettleAsync([.. crowds]).ConfigureAwait(false);
                steps.Add(new Step(crowds.Sum(c => c.Members.Count), Sample(settings)));
            }

            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"idle-connections {target}: {steps[^1].Open:N0} open in {OpenSeconds():F1} s " +
                $"({Retries()} retried, {Failed()} failed{(FirstError() is { } error ? ": " + error : "")})"));
            after = steps[^1].Memory;
            await Task.Delay(settings.Wait, token).ConfigureAwait(false);
            later = Sample(settings);
            closedByServer = crowds.Sum(c => c.ClosedByServer);
            clientRss = Process.GetCurrentProcess().WorkingSet64 / 1024.0 / 1024;
        }
        finally
        {
            foreach (var crowd in crowds)
            {
                await crowd.DisposeAsync().ConfigureAwait(false);
            }
        }

        await Task.Delay(settings.Settle, token).ConfigureAwait(false);
        var closed = ProcessTreeMemory.Of(settings.ServerPid);
        int open = steps[^1].Open;
        double Per(long with, long without) => open > 0 ? (with - without) / (double)open : 0;
        return new Result(
            target.ToString(), target.Protocol, settings.Count, open, Failed(), Retries(), FirstError(), target.Protocol == "native" ? accounts : 0,
            OpenSeconds(), quiet.TotalSeconds, before, after, later, closed,
            Per(after.PssBytes, before.PssBytes), Per(after.RssBytes, before.RssBytes), Per(later.PssBytes, before.PssBytes), Per(later.RssBytes, before.RssBytes),
            closedByServer, clientRss, steps, Slope(steps, s => s.PssBytes), Slope(steps, s => s.RssBytes));
    }

    // Least squares: bytes per connection over the rounds' samples (0 with fewer than two).
    private static double Slope(List<Step> steps, Func<ProcessTreeMemory.Sample, long> bytes)
    {
        if (steps.Count < 2)
        {
            return 0;
        }

        double meanX = steps.Average(s => (double)s.Open);
        double meanY = steps.Average(s => (double)bytes(s.Memory));
        double covariance = steps.Sum(s => (s.Open - meanX) * (bytes(s.Memory) - meanY));
        double variance = steps.Sum(s => (s.Open - meanX) * (s.Open - meanX));
        return variance > 0 ? covariance / variance : 0;
    }

    private static ProcessTreeMemory.Sample Sample(Settings settings) =>
        ProcessTreeMemory.Of(settings.ServerPid) ?? throw new InvalidOperationException($"cannot read the memory of process {settings.ServerPid} (Linux /proc, same user or root)");

    /// <summary>A line for the console.</summary>
    public static string Describe(Result r) => string.Create(CultureInfo.InvariantCulture,
        $"idle-connections {r.Server}: {r.Open:N0}/{r.Requested:N0} signed in ({r.Failed} failed, {r.Retries} retried, {r.ClosedByServer} dropped) in {r.OpenSeconds:F1} s; " +
        $"server tree PSS {MiB(r.Before.PssBytes)} → {MiB(r.After.PssBytes)} → {MiB(r.Later.PssBytes)} MiB ({r.After.Processes} processes), " +
        $"RSS {MiB(r.Before.RssBytes)} → {MiB(r.After.RssBytes)} → {MiB(r.Later.RssBytes)} MiB; per connection PSS {r.PssPerConnection / 1024:F1} KiB " +
        $"(later {r.PssPerConnectionLater / 1024:F1}), RSS {r.RssPerConnection / 1024:F1} KiB (later {r.RssPerConnectionLater / 1024:F1}); " +
        $"PSS at {string.Join(", ", r.Steps.Select(s => $"{s.Open:N0}: {MiB(s.Memory.PssBytes)}"))} MiB, each further connection " +
        $"PSS {r.PssPerFurtherConnection / 1024:F1} KiB, RSS {r.RssPerFurtherConnection / 1024:F1} KiB; " +
        $"after closing PSS {(r.Closed is { } c ? MiB(c.PssBytes) : "?")} MiB");

    private static string MiB(long bytes) => (bytes / 1024.0 / 1024).ToString("F1", CultureInfo.InvariantCulture);
}
