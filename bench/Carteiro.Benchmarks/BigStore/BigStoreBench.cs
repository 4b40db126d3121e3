using System.Diagnostics;
using System.Runtime.InteropServices;
using Carteiro.Benchmarks.Imap;
using Carteiro.Benchmarks.Store;
using Microsoft.Data.Sqlite;

namespace Carteiro.Benchmarks.BigStore;

/// <summary>
/// A big seeded mailbox (<see cref="SeedMailbox"/>) served by a real <c>carteiro serve</c>: how long
/// the server takes to start, and how long the first inbox page, a deep page, folder counts and
/// full-text searches take, natively and through the HTTP API. Three ways:
/// <list type="bullet">
/// <item>cold: the kernel's page cache dropped, a new server, sign-in, then one query: as after a reboot;</item>
/// <item>warm: the same with the files cached: a new process (JIT and SQLite caches cold) on a warm disk cache;</item>
/// <item>steady: one server, each query once and then repeated: what a busy server answers.</item>
/// </list>
/// A start answers one query only, so each first figure is that query's own (no query warms
/// another's pages). Every answer is checked against what the corpus must give. Loopback only;
/// bounded by the number of starts and a time limit per query.
/// </summary>
internal sealed class BigStoreBench
{
    private readonly Settings _settings;
    private readonly IReadOnlyList<StoreQuery> _queries;
    private readonly Stopwatch _clock = new();
    private readonly StopTally _stops = new();
    private readonly Dictionary<bool, List<StartFigures>> _starts = new() { [true] = [], [false] = [] };
    private readonly Dictionary<(bool Cold, string Key), List<double>> _firsts = [];
    private readonly Dictionary<string, List<long>> _coldReads = [];
    private string? _token;
    private double _warmedMiB;

    private BigStoreBench(Settings settings)
    {
        _settings = settings;
        _queries = StoreQuery.For(settings.Messages);
    }

    /// <param name="WorkingDirectory">Where servers run (see <see cref="StoreServer.StartAsync"/>).</param>
    /// <param name="RootStart">Also time one warm start with the working directory /, as a service manager starts it by default.</param>
    public sealed record Settings(string ServerDll, string DataPath, int Messages, int Runs, int Repeat, bool Cold, string WorkingDirectory, bool RootStart);

    // What the steady server measured besides the queries.
    private sealed record Memory(long AfterStart, long After, long AnonymousAfter, long Peak);

    public static async Task<BigStoreResult> RunAsync(Settings settings)
    {
        var started = DateTimeOffset.UtcNow;
        var total = Stopwatch.StartNew();
        var seed = SeedRecord.Read(settings.DataPath);
        if (seed is null || seed.Messages != settings.Messages || seed.Pending != 0)
        {
            throw new InvalidOperationException(
                $"{settings.DataPath} holds no complete seed of {settings.Messages:N0} messages: run `seed --data {settings.DataPath} --messages {settings.Messages}` first");
        }

        string? coldProblem = settings.Cold ? await ColdCache.DropAsync() : "not asked for";
        if (settings.Cold && coldProblem is not null)
        {
            Console.WriteLine($"cannot drop the page cache ({coldProblem}): no cold runs");
        }

        var bench = new BigStoreBench(settings);
        await bench.WarmUpAsync();
        foreach (bool cold in coldProblem is null ? new[] { true, false } : [false])
        {
            await bench.StartsAsync(cold);
        }

        var rootStart = settings.RootStart ? await bench.RootStartAsync() : null;
        var (queries, memory) = await bench.SteadyAsync();

        var folder = new DirectoryInfo(settings.DataPath);
        var files = folder.EnumerateFiles().ToDictionary(f => f.Name, f => f.Length);
        string machine = $"{Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024):F0} GiB, " +
            $"{RuntimeInformation.OSDescription}, .NET {Environment.Version}";
        return new BigStoreResult(settings.Messages, folder.FullName, files.Values.Sum(), files, seed, coldProblem, settings.Runs, settings.Repeat,
            bench._starts[true], bench._starts[false], rootStart, settings.WorkingDirectory, queries,
            memory.AfterStart, memory.After, memory.AnonymousAfter, memory.Peak, bench._warmedMiB, bench._stops.Stops, bench._stops.Unclean,
            SqliteVersion(), machine, started, total.Elapsed.TotalSeconds);
    }

    // Untimed: the benchmark's own code (client, HTTP, JSON) is compiled before anything is timed,
    // every query is checked once, and the bearer token is made.
    private async Task WarmUpAsync()
    {
        await using var server = await StartAsync(_settings.WorkingDirectory);
        var (clients, _, _) = await StoreClients.SignInAsync(server, SeedMailbox.Owner, SeedMailbox.Password, null, _clock);
        await using (clients)
        {
            _token = clients.Token;
            foreach (var query in _queries)
            {
                await TimeAsync(query, clients, 0);
            }
        }
    }

    // For each run, a start per query: (cold) drop the page cache, start, sign in, one query.
    private async Task StartsAsync(bool cold)
    {
        if (!cold)
        {
            // After the cold runs only what they touched is cached: warm means all of it.
            _warmedMiB = await ColdCache.WarmAsync(_settings.DataPath, Path.GetDirectoryName(_settings.ServerDll)!, RuntimeFolder()) / (1024.0 * 1024);
            Console.WriteLine($"  read {_warmedMiB:N0} MiB (data folder, program, runtime) into the page cache for the warm starts");
        }

        for (int run = 1; run <= _settings.Runs; run++)
        {
            foreach (var query in _queries.Where(q => q.AfterStart))
            {
                if (cold && await ColdCache.DropAsync() is { } problem)
                {
                    throw new InvalidOperationException($"dropping the page cache failed mid-run: {problem}");
                }

                await using var server = await StartAsync(_settings.WorkingDirectory);
                var (clients, nativeAt, apiAt) = await StoreClients.SignInAsync(server, SeedMailbox.Owner, SeedMailbox.Password, _token, _clock);
                await using (clients)
                {
                    var figures = Figures(server, nativeAt, apiAt);
                    _starts[cold].Add(figures);
                    long readBefore = server.StorageReadBytes;
                    double first = await TimeAsync(query, clients, 0);
                    long read = server.StorageReadBytes - readBefore;
                    Add(_firsts, (cold, query.Key), first);
                    if (cold)
                    {
                        Add(_coldReads, query.Key, read);
                    }

                    Console.WriteLine($"  {(cold ? "cold" : "warm")} {run}/{_settings.Runs} {query.Key,-24} running {figures.RunningMs,6:F0} ms, " +
                        $"signed in {figures.NativeSignInMs,6:F0} ms, API {figures.ApiMs,6:F0} ms ({figures.StorageReadBytes / 1048576.0,5:F0} MiB read); " +
                        $"first answer {first,9:F1} ms ({read / 1048576.0:F1} MiB read)");
                }
            }
        }
    }

    private async Task<StartFigures> RootStartAsync()
    {
        await using var server = await StartAsync("/");
        var (clients, nativeAt, apiAt) = await StoreClients.SignInAsync(server, SeedMailbox.Owner, SeedMailbox.Password, _token, _clock);
        await using (clients)
        {
            var figures = Figures(server, nativeAt, apiAt);
            Console.WriteLine($"  warm start in /: running {figures.RunningMs:F0} ms, signed in {figures.NativeSignInMs:F0} ms, API {figures.ApiMs:F0} ms");
            return figures;
        }
    }

    // One server: every query first once, then repeated; then the token is revoked, so the folder
    // is left as the seed made it, but for the sign-ins' traces.
    private async Task<(List<QueryFigures> Queries, Memory Memory)> SteadyAsync()
    {
        var results = new List<QueryFigures>();
        await using var server = await StartAsync(_settings.WorkingDirectory);
        var (clients, _, _) = await StoreClients.SignInAsync(server, SeedMailbox.Owner, SeedMailbox.Password, _token, _clock);
        await using (clients)
        {
            long afterStart = server.ResidentBytes;
            foreach (var query in _queries)
            {
                double first = await TimeAsync(query, clients, 0);
                int repeats = Math.Min(_settings.Repeat, query.MostRepeats);
                var repeated = new List<double>(repeats);
                var cpu = ProcessTreeCpu.Take(server.Pid);
                for (int n = 1; n <= repeats; n++)
                {
                    repeated.Add(await TimeAsync(query, clients, n));
                }

                double? cpuPerRequest = ProcessTreeCpu.Between(cpu, ProcessTreeCpu.Take(server.Pid)) / Math.Max(1, repeats);
                var figures = new QueryFigures(query.Key, query.What, query.Protocol, query.Request, query.Expected,
                    _firsts.GetValueOrDefault((true, query.Key), []), _firsts.GetValueOrDefault((false, query.Key), []), first, repeated, cpuPerRequest,
                    _coldReads.GetValueOrDefault(query.Key, []));
                results.Add(figures);
                Console.WriteLine($"  steady {query.Key,-24} first {first,9:F1} ms, repeated median {figures.RepeatedMedianMs,9:F2} ms " +
                    $"(p90 {figures.RepeatedP90Ms:F2}, min {figures.RepeatedMinMs:F2}), server CPU {cpuPerRequest:F2} ms a request");
            }

            var memory = new Memory(afterStart, server.ResidentBytes, server.AnonymousBytes, server.PeakResidentBytes);
            using var limit = StoreClients.Limit();
            await clients.Native.RevokeTokenAsync(_token, limit.Token);
            return (results, memory);
        }
    }

    private async Task<StoreServer> StartAsync(string workingDirectory) =>
        _stops.Watch(await StoreServer.StartAsync(_settings.ServerDll, _settings.DataPath, workingDirectory, _clock));

    private static void Add<TKey, TValue>(Dictionary<TKey, List<TValue>> lists, TKey key, TValue value)
        where TKey : notnull
    {
        if (!lists.TryGetValue(key, out var list))
        {
            lists[key] = list = [];
        }

        list.Add(value);
    }

    private static StartFigures Figures(StoreServer server, TimeSpan nativeAt, TimeSpan apiAt) =>
        new(server.RunningAfter.TotalMilliseconds, nativeAt.TotalMilliseconds, apiAt.TotalMilliseconds, server.ResidentBytes, server.StorageReadBytes);

    // The shared framework the server runs on (…/shared/Microsoft.NETCore.App/10.0.x): its parent holds ASP.NET Core's too.
    private static string RuntimeFolder() =>
        Path.GetDirectoryName(Path.GetDirectoryName(RuntimeEnvironment.GetRuntimeDirectory().TrimEnd('/'))!)!;

    // The SQLite the server runs: Microsoft.Data.Sqlite's bundled build, the same library as here.
    private static string SqliteVersion()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sqlite_version()";
        return (string)command.ExecuteScalar()!;
    }

    // Wall time of one request, checked against the answer the corpus must give.
    private static async Task<double> TimeAsync(StoreQuery query, StoreClients clients, int repetition)
    {
        using var limit = StoreClients.Limit();
        long start = Stopwatch.GetTimestamp();
        int items = await query.Run(clients, repetition, limit.Token);
        double elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        if (items != query.Expected)
        {
            throw new InvalidOperationException($"{query.Key} answered {items:N0} items, not {query.Expected:N0}: the store does not hold the seeded corpus");
        }

        return elapsed;
    }
}
