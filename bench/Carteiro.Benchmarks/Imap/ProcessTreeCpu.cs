using System.Globalization;

namespace Carteiro.Benchmarks.Imap;

/// <summary>
/// CPU time used by a server process and everything under it (Dovecot is a master with a process
/// per connection; Carteiro is one process), from /proc: the run time of every live thread (in
/// nanoseconds, from schedstat) plus what exited children used (in 10 ms ticks, from stat).
/// Linux only; null elsewhere or when the process is gone.
/// </summary>
internal static class ProcessTreeCpu
{
    private static readonly double TickMilliseconds = 1000.0 / 100; // USER_HZ is 100 on Linux.

    /// <summary>
    /// The tree's use at one moment, process by process and thread by thread: a thread that ends
    /// between two samples takes its whole run time out of a plain total (.NET retires idle pool
    /// threads, so a total could even go down), but only its last moments out of a thread-by-thread
    /// difference.
    /// </summary>
    public sealed class Sample
    {
        /// <summary>Process id → thread id → nanoseconds run.</summary>
        internal Dictionary<int, Dictionary<int, long>> Processes { get; } = [];

        internal long ChildTicks { get; set; }

        /// <summary>Milliseconds of CPU the live threads and the exited children had used.</summary>
        public double Milliseconds => Processes.Values.Sum(threads => threads.Values.Sum()) / 1e6 + ChildTicks * TickMilliseconds;
    }

    /// <summary>Milliseconds of CPU used so far by <paramref name="root"/> and its descendants.</summary>
    public static double? Milliseconds(int? root) => Take(root)?.Milliseconds;

    /// <summary>
    /// Milliseconds of CPU the tree used from <paramref name="before"/> to <paramref name="after"/>:
    /// each thread's growth (all of it for a thread new since), plus what children that exited in
    /// between had used (their whole life comes back in their parent's children ticks, so what they
    /// had used before is taken off).
    /// </summary>
    public static double? Between(Sample? before, Sample? after)
    {
        if (before is null || after is null)
        {
            return null;
        }

        long nanoseconds = 0;
        foreach (var (process, threads) in after.Processes)
        {
            var earlier = before.Processes.GetValueOrDefault(process);
            foreach (var (thread, used) in threads)
            {
                // Max: a thread id reused by a new thread may show less than the old one had.
                nanoseconds += Math.Max(0, used - (earlier?.GetValueOrDefault(thread) ?? 0));
            }
        }

        foreach (var (process, threads) in before.Processes)
        {
            if (!after.Processes.ContainsKey(process))
            {
                nanoseconds -= threads.Values.Sum();
            }
        }

        return nanoseconds / 1e6 + (after.ChildTicks - before.ChildTicks) * TickMilliseconds;
    }

    /// <summary>What <paramref name="root"/> and its descendants have used so far, thread by thread.</summary>
    public static Sample? Take(int? root)
    {
        if (Os.ProcStat.TreeOf(root) is not { } tree)
        {
            return null;
        }

        var sample = new Sample();
        foreach (var (id, fields) in tree)
        {
            sample.ChildTicks += Os.ProcStat.Number(fields, 13) + Os.ProcStat.Number(fields, 14);
            sample.Processes[id] = Threads(id);
        }

        return sample;
    }

    // The run time of each of the process's live threads (the first field of its schedstat, in ns).
    private static Dictionary<int, long> Threads(int pid)
    {
        var threads = new Dictionary<int, long>();
        try
        {
            foreach (string task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                try
                {
                    string stat = File.ReadAllText(Path.Combine(task, "schedstat"));
                    threads[int.Parse(Path.GetFileName(task), NumberStyles.None, CultureInfo.InvariantCulture)] =
                        long.Parse(stat.AsSpan(0, stat.IndexOf(' ', StringComparison.Ordinal)), CultureInfo.InvariantCulture);
                }
                catch (IOException)
                {
                    // The thread ended while listing.
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return threads;
    }
}
