namespace Carteiro.Benchmarks.Live;

/// <summary>
/// CPU used so far by a server process and everything under it, from each process's own counters
/// in /proc/PID/stat: user and system time of all its threads, including threads that have ended,
/// plus what its reaped children used. (Summing the live threads' schedstat instead misses the
/// thread-pool threads .NET retires during a run, and reads low.) 10 ms resolution, which is
/// fine over the seconds a scenario runs. Linux only; null elsewhere or when the process is gone.
/// </summary>
internal static class TreeCpu
{
    private const double TickMilliseconds = 1000.0 / 100; // USER_HZ is 100 on Linux.

    /// <summary>Milliseconds of CPU used so far by <paramref name="root"/> and its descendants.</summary>
    public static double? Milliseconds(int? root)
    {
        if (Os.ProcStat.TreeOf(root) is not { } tree)
        {
            return null;
        }

        // utime, stime, and the reaped children's.
        long total = 0;
        foreach (var fields in tree.Values)
        {
            total += Os.ProcStat.Number(fields, 11) + Os.ProcStat.Number(fields, 12) + Os.ProcStat.Number(fields, 13) + Os.ProcStat.Number(fields, 14);
        }

        return total * TickMilliseconds;
    }
}
