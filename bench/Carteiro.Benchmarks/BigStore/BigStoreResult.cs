using Carteiro.Benchmarks.Store;

namespace Carteiro.Benchmarks.BigStore;

/// <summary>One server start, timed from just before the process was created.</summary>
/// <param name="RunningMs">Until it printed "carteiro … is running".</param>
/// <param name="NativeSignInMs">Until the first native sign-in (connect, greeting, LOGIN) was answered.</param>
/// <param name="ApiMs">Until the first authenticated API answer (GET /api/session with a bearer token), after that sign-in.</param>
/// <param name="ResidentBytes">The server's RSS then.</param>
/// <param name="StorageReadBytes">What the server had read from storage by then (page-cache misses).</param>
internal sealed record StartFigures(double RunningMs, double NativeSignInMs, double ApiMs, long ResidentBytes, long StorageReadBytes);

/// <summary>What one query measured, in milliseconds of wall time at the client; <paramref name="Expected"/> items came back each time.</summary>
/// <param name="ColdFirstMs">First request after a start with the page cache dropped, one per cold start.</param>
/// <param name="WarmFirstMs">First request after a start with the files cached (a new process, so JIT and SQLite caches are cold).</param>
/// <param name="SteadyFirstMs">First request of this query in the long-running server (after the queries before it in the list).</param>
/// <param name="RepeatedMs">The repeated requests that follow it.</param>
/// <param name="ServerCpuMsPerRequest">The server's CPU over the repeated requests, per request.</param>
/// <param name="ColdFirstReadBytes">What the server read from storage during each cold first request.</param>
internal sealed record QueryFigures(string Key, string What, string Protocol, string Request, int Expected,
    IReadOnlyList<double> ColdFirstMs, IReadOnlyList<double> WarmFirstMs, double SteadyFirstMs, IReadOnlyList<double> RepeatedMs,
    double? ServerCpuMsPerRequest, IReadOnlyList<long> ColdFirstReadBytes)
{
    public double? ColdFirstReadMiB => ColdFirstReadBytes.Count == 0 ? null : Stats.Median([.. ColdFirstReadBytes.Select(b => b / (1024.0 * 1024))]);

    public double? ColdFirstMedianMs => Stats.Median(ColdFirstMs);

    public double? WarmFirstMedianMs => Stats.Median(WarmFirstMs);

    public double? RepeatedMedianMs => Stats.Median(RepeatedMs);

    public double? RepeatedP90Ms => Stats.Quantile(RepeatedMs, 0.9);

    public double? RepeatedMinMs => RepeatedMs.Count == 0 ? null : RepeatedMs.Min();
}

/// <summary>Everything one big-store run measured; written as JSON.</summary>
internal sealed record BigStoreResult(
    int Messages, string DataPath, long DataBytes, IReadOnlyDictionary<string, long> Files, SeedRecord? Seed,
    string? ColdCacheProblem, int Runs, int Repeat,
    IReadOnlyList<StartFigures> ColdStarts, IReadOnlyList<StartFigures> WarmStarts, StartFigures? RootStart, string WorkingDirectory,
    IReadOnlyList<QueryFigures> Queries,
    long ResidentAfterStart, long ResidentAfterQueries, long AnonymousAfterQueries, long PeakResident, double WarmedMiB, int Stops, int UncleanStops, string SqliteVersion,
    string Machine, DateTimeOffset Started, double Seconds)
{
    public StartFigures? ColdStartMedian => Stats.MedianStart(ColdStarts);

    public StartFigures? WarmStartMedian => Stats.MedianStart(WarmStarts);
}
