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
/// Loopback only; bounded in count and time.
/// </summary>
internal static class IdleConnections
{
    public sealed record Settings(
        LiveTarget Target, int Count, int Accounts, string Prefix, string User, string Password, int Concurrency, int ServerPid,
        TimeSpan Settle, TimeSpan Wait, TimeSpan Limit);

    public sealed record Result(
        string Server, string Protocol, int Requested, int Open, int Failed, int Retries, string? FirstError, int Accounts, double OpenSeconds, double QuietSeconds,
        ProcessTreeMemory.Sample Before, ProcessTreeMemory.Sample After, ProcessTreeMemory.Sample Later, ProcessTreeMemory.Sample? Closed,
        double PssPerConnection, double RssPerConnection, double PssPerConnectionLater, double RssPerConnectionLater, int ClosedByServer,
        double ClientRssMiB);

    public static async Task<Result> RunAsync(Settings settings)
    {
        using var limit = new CancellationTokenSource(settings.Limit);
        var token = limit.Token;
        await Task.Delay(settings.Settle, token).ConfigureAwait(false);
        var before = Sample(settings);
        var target = settings.Target;
        int accounts = settings.Accounts > 0 ? Math.Min(settings.Accounts, settings.Count) : settings.Count;
        Crowd<IAsyncDisposable> crowd;
        if (target.Protocol == "imap")
        {
            crowd = await Crowd<IAsyncDisposable>.OpenAsync(settings.Count, settings.Concurrency, async (_, ct) =>
            {
                var connection = await ImapConnection.OpenAsync(target.Host, target.Port, ct).ConfigureAwait(false);
                try
                {
                    await connection.LoginAsync(settings.User, settings.Password, ct).ConfigureAwait(false);
                    return connection;
                }
                catch
                {
                    await connection.DisposeAsync().ConfigureAwait(false);
                    throw;
                }
            }, token).ConfigureAwait(false);
        }
        else
        {
            // Native names repeat when there are fewer accounts than connections (sessions of one
            // account); IRC nicks are unique per connection.
            crowd = await Crowd<IAsyncDisposable>.OpenAsync(settings.Count, settings.Concurrency, async (index, ct) =>
                await target.OpenAsync($"{settings.Prefix}{(target.Protocol == "native" ? index % accounts : index)}", settings.Password, 4096, ct).ConfigureAwait(false),
                token).ConfigureAwait(false);
        }

        ProcessTreeMemory.Sample after;
        ProcessTreeMemory.Sample later;
        TimeSpan quiet;
        int closedByServer;
        double clientRss;
        try
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"idle-connections {target}: {crowd.Members.Count:N0} open in {crowd.OpenTime.TotalSeconds:F1} s ({crowd.Retries} retried, {crowd.Failed} failed{(crowd.FirstError is null ? "" : ": " + crowd.FirstError)})"));
            quiet = await crowd.WaitQuietAsync(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5), token).ConfigureAwait(false);
            await Task.Delay(settings.Settle, token).ConfigureAwait(false);
            after = Sample(settings);
            await Task.Delay(settings.Wait, token).ConfigureAwait(false);
            later = Sample(settings);
            closedByServer = crowd.ClosedByServer;
            clientRss = Process.GetCurrentProcess().WorkingSet64 / 1024.0 / 1024;
        }
        finally
        {
            await crowd.DisposeAsync().ConfigureAwait(false);
        }

        await Task.Delay(settings.Settle, token).ConfigureAwait(false);
        var closed = ProcessTreeMemory.Of(settings.ServerPid);
        int open = crowd.Members.Count;
        double Per(long with, long without) => open > 0 ? (with - without) / (double)open : 0;
        return new Result(
            target.ToString(), target.Protocol, settings.Count, open, crowd.Failed, crowd.Retries, crowd.FirstError, target.Protocol == "native" ? accounts : 0,
            crowd.OpenTime.TotalSeconds, quiet.TotalSeconds, before, after, later, closed,
            Per(after.PssBytes, before.PssBytes), Per(after.RssBytes, before.RssBytes), Per(later.PssBytes, before.PssBytes), Per(later.RssBytes, before.RssBytes),
            closedByServer, clientRss);
    }

    private static ProcessTreeMemory.Sample Sample(Settings settings) =>
        ProcessTreeMemory.Of(settings.ServerPid) ?? throw new InvalidOperationException($"cannot read the memory of process {settings.ServerPid} (Linux /proc, same user or root)");

    /// <summary>A line for the console.</summary>
    public static string Describe(Result r) => string.Create(CultureInfo.InvariantCulture,
        $"idle-connections {r.Server}: {r.Open:N0}/{r.Requested:N0} signed in ({r.Failed} failed, {r.Retries} retried, {r.ClosedByServer} dropped) in {r.OpenSeconds:F1} s; " +
        $"server tree PSS {MiB(r.Before.PssBytes)} → {MiB(r.After.PssBytes)} → {MiB(r.Later.PssBytes)} MiB ({r.After.Processes} processes), " +
        $"RSS {MiB(r.Before.RssBytes)} → {MiB(r.After.RssBytes)} → {MiB(r.Later.RssBytes)} MiB; per connection PSS {r.PssPerConnection / 1024:F1} KiB " +
        $"(later {r.PssPerConnectionLater / 1024:F1}), RSS {r.RssPerConnection / 1024:F1} KiB (later {r.RssPerConnectionLater / 1024:F1}); " +
        $"after closing PSS {(r.Closed is { } c ? MiB(c.PssBytes) : "?")} MiB");

    private static string MiB(long bytes) => (bytes / 1024.0 / 1024).ToString("F1", CultureInfo.InvariantCulture);
}
