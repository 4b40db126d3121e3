using System.Diagnostics;
using Carteiro.Core.Accounts;
using Carteiro.Core.Messages;
using Carteiro.Core.Storage;
using Carteiro.Storage.Sqlite;

namespace Carteiro.Benchmarks.Store;

/// <summary>
/// The SQLite store alone, without network or protocol: concurrent deliveries of 1:1 messages
/// through the group-committing writer, on a fresh database file. Tells the store's own ceiling
/// and the writer thread's CPU per delivery, which whole-system runs on a busy machine blur.
/// </summary>
internal static class StoreBenchmark
{
    public static async Task RunAsync(int concurrency, int bodySize, TimeSpan duration)
    {
        string folder = Path.Combine(Path.GetTempPath(), "carteiro-store-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            await using var store = new SqliteMailStore(Path.Combine(folder, "carteiro.db"));
            await store.InitializeAsync(CancellationToken.None);
            var accounts = new List<Account>();
            for (int i = 0; i < concurrency + 10; i++)
            {
                accounts.Add(await store.CreateAccountAsync($"user{i}", "x", false, CancellationToken.None));
            }

            string body = new string('x', bodySize);

            // Each message its own document and Message-ID, as the server makes them: the store
            // indexes the ids, so one id for every message would flatter it.
            NewMessage MessageFrom(int sender, int n)
            {
                string recipient = accounts[concurrency + (n % 10)].Name;
                var date = DateTimeOffset.UtcNow;
                var composed = MimeComposer.Compose(accounts[sender].Name, new Draft { To = [recipient], Subject = $"load {n}", Body = body }, "localhost", date, null);
                return new(accounts[sender], null, date, [recipient], [], [], false, $"load {n}", body, [], null, null, composed.MessageIdHeader, composed.Bytes);
            }

            // Warm-up: JIT, page cache, prepared statements.
            await LoopAsync(TimeSpan.FromSeconds(2));
            var writer = WriterThreadTicks();
            var process = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            long delivered = await LoopAsync(duration);
            clock.Stop();
            double writerMicros = (WriterThreadTicks() - writer) * 1e6 / TicksPerSecond / delivered;
            double processMicros = (Process.GetCurrentProcess().TotalProcessorTime - process).TotalMicroseconds / delivered;
            Console.WriteLine($"store: {concurrency} concurrent 1:1 deliveries, {bodySize} B bodies, {duration.TotalSeconds} s");
            Console.WriteLine($"  deliveries/s {delivered / clock.Elapsed.TotalSeconds,10:N0}   writer CPU {writerMicros,6:F0} µs/delivery   process CPU {processMicros,6:F0} µs/delivery");

            async Task<long> LoopAsync(TimeSpan length)
            {
                long count = 0;
                var until = Stopwatch.GetTimestamp() + (long)(length.TotalSeconds * Stopwatch.Frequency);
                await Task.WhenAll(Enumerable.Range(0, concurrency).Select(sender => Task.Run(async () =>
                {
                    for (int n = 0; Stopwatch.GetTimestamp() < until && n < 1_000_000; n++)
                    {
                        await store.DeliverAsync(MessageFrom(sender, n), CancellationToken.None);
                        Interlocked.Increment(ref count);
                    }
                })));
                return count;
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static long TicksPerSecond => 100;

    // utime + stime of the writer thread, in clock ticks (Linux /proc).
    private static long WriterThreadTicks()
    {
        foreach (string task in Directory.GetDirectories("/proc/self/task"))
        {
            if (File.ReadAllText(Path.Combine(task, "comm")).Trim().StartsWith("carteiro-write", StringComparison.Ordinal))
            {
                string[] fields = File.ReadAllText(Path.Combine(task, "stat")).Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }
}
