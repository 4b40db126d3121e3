using System.Globalization;

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
        if (root is not int pid || !OperatingSystem.IsLinux() || !Directory.Exists($"/proc/{pid}"))
        {
            return null;
        }

        var parents = new Dictionary<int, int>();
        var ticks = new Dictionary<int, long>();
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int id))
            {
                continue;
            }

            try
            {
                string stat = File.ReadAllText(Path.Combine(dir, "stat"));

                // The command name is in parentheses and may hold spaces: fields are counted after the last ')'.
                // From there, [1] is the parent, [11] and [12] utime and stime, [13] and [14] the reaped children's.
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[id] = int.Parse(fields[1], CultureInfo.InvariantCulture);
                ticks[id] = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)
                    + long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // Gone while listing.
            }
        }

        if (!ticks.ContainsKey(pid))
        {
            return null;
        }

        long total = 0;
        foreach (var (id, used) in ticks)
        {
            for (int at = id, depth = 0; at > 1 && depth < 64; at = parents.GetValueOrDefault(at), depth++)
            {
                if (at == pid)
                {
                    total += used;
                    break;
                }
            }
        }

        return total * TickMilliseconds;
    }
}
