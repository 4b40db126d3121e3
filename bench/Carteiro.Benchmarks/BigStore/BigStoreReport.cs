using System.Globalization;
using System.Text;

namespace Carteiro.Benchmarks.BigStore;

/// <summary>The big-store figures as a table for the console.</summary>
internal static class BigStoreReport
{
    public static string Describe(BigStoreResult r)
    {
        var text = new StringBuilder();
        void Line(FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));
        static string Ms(double? value) => value switch
        {
            null => "-",
            < 10 => value.Value.ToString("F2", CultureInfo.InvariantCulture),
            < 100 => value.Value.ToString("F1", CultureInfo.InvariantCulture),
            _ => value.Value.ToString("N0", CultureInfo.InvariantCulture),
        };
        static string MiB(long bytes) => (bytes / (1024.0 * 1024)).ToString("N0", CultureInfo.InvariantCulture) + " MiB";

        Line($"big store: {r.Messages:N0} messages in bob's inbox; data folder {r.DataPath}, {MiB(r.DataBytes)} ({string.Join(", ", r.Files.Select(f => $"{f.Key} {MiB(f.Value)}"))})");
        if (r.Seed is { } seed)
        {
            Line($"seeded in {seed.Seconds:N0} s ({seed.PerSecond:N0} messages/s), {seed.Finished:yyyy-MM-dd HH:mm}Z; marker words: {string.Join(", ", seed.Hits.Select(h => $"{h.Key} {h.Value:N0}"))}");
        }

        Line($"machine: {r.Machine}; run took {r.Seconds:N0} s");
        Line($"cold: {(r.ColdCacheProblem is null ? "page cache dropped (sync; echo 3 > /proc/sys/vm/drop_caches) before each start" : $"no cold runs ({r.ColdCacheProblem})")}");
        Line($"");
        Line($"start-up, from process start (median of {r.WarmStarts.Count} starts each)   {"cold",10} {"warm",10}");
        var cold = r.ColdStartMedian;
        var warm = r.WarmStartMedian;
        Line($"  \"is running\" printed                                  {Ms(cold?.RunningMs),10} {Ms(warm?.RunningMs),10} ms");
        Line($"  first native sign-in answered                         {Ms(cold?.NativeSignInMs),10} {Ms(warm?.NativeSignInMs),10} ms");
        Line($"  first API answer (GET /api/session, bearer)            {Ms(cold?.ApiMs),10} {Ms(warm?.ApiMs),10} ms");
        Line($"  server RSS then                                       {(cold is null ? "-" : MiB(cold.ResidentBytes)),10} {(warm is null ? "-" : MiB(warm.ResidentBytes)),10}");
        Line($"  read from storage by then                             {(cold is null ? "-" : MiB(cold.StorageReadBytes)),10} {(warm is null ? "-" : MiB(warm.StorageReadBytes)),10}");
        string root = r.RootStart is { } start
            ? $"; one warm start in / (a service manager's default): running {Ms(start.RunningMs)} ms, signed in {Ms(start.NativeSignInMs)} ms, API {Ms(start.ApiMs)} ms"
            : "";
        Line($"servers ran in {r.WorkingDirectory}{root}");
        Line($"server RSS in the steady run: {MiB(r.ResidentAfterStart)} after start and sign-in, {MiB(r.ResidentAfterQueries)} after every query ({MiB(r.AnonymousAfterQueries)} of it anonymous, the rest mostly database pages mapped by the readers), peak {MiB(r.PeakResident)}");
        Line($"servers stopped with SIGTERM: {r.Stops}, of which {r.UncleanStops} exited with a non-zero code; SQLite {r.SqliteVersion}");
        Line($"");
        Line($"{"query (ms at the client; 1st = the first request after a start)",-58} {"items",6} {"cold 1st",9} {"warm 1st",9} {"steady 1st",10} {"median",8} {"p90",8} {"min",8} {"srv CPU",8} {"cold MiB",8}");
        foreach (var q in r.Queries)
        {
            Line($"  {q.What,-48} {q.Protocol,-6} {q.Expected,6:N0} {Ms(q.ColdFirstMedianMs),9} {Ms(q.WarmFirstMedianMs),9} {Ms(q.SteadyFirstMs),10} {Ms(q.RepeatedMedianMs),8} {Ms(q.RepeatedP90Ms),8} {Ms(q.RepeatedMinMs),8} {Ms(q.ServerCpuMsPerRequest),8} {Ms(q.ColdFirstReadMiB),8}");
        }

        Line($"(median over {r.Runs} starts for the first requests, over {r.Repeat} requests for the repeated ones; server CPU per repeated request; cold MiB: read from storage by the cold first request)");
        return text.ToString();
    }
}
