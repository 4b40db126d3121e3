namespace Carteiro.Benchmarks.Live;

/// <summary>
/// CPU used so far by one process's live threads, grouped by thread name (/proc/PID/task/*/comm
/// and schedstat): for Carteiro that splits the SQLite writer ("carteiro-writer") from the thread
/// pool (".NET TP Worker"), the socket event loop (".NET SocketEng") and the GC, which is where a
/// fan-out's cost has to be looked for. Threads that ended meanwhile are not counted. Linux only.
/// </summary>
internal static class ThreadCpu
{
    /// <summary>Milliseconds of CPU per thread name, or an empty map when unavailable.</summary>
    public static Dictionary<string, double> ByName(int? pid)
    {
        var byName = new Dictionary<string, double>(StringComparer.Ordinal);
        if (pid is not int id || !OperatingSystem.IsLinux() || !Directory.Exists($"/proc/{id}/task"))
        {
            return byName;
        }

        foreach (string task in Directory.EnumerateDirectories($"/proc/{id}/task"))
        {
            try
            {
                string name = File.ReadAllText(Path.Combine(task, "comm")).Trim();
                string stat = File.ReadAllText(Path.Combine(task, "schedstat"));
                double ms = long.Parse(stat.AsSpan(0, stat.IndexOf(' ', StringComparison.Ordinal)), System.Globalization.CultureInfo.InvariantCulture) / 1e6;
                byName[name] = byName.GetValueOrDefault(name) + ms;
            }
            catch (IOException)
            {
                // The thread ended while listing.
            }
        }

        return byName;
    }

    /// <summary>Per name, the CPU used between two readings, largest first, leaving out names under 1% of the total.</summary>
    public static Dictionary<string, double> Between(Dictionary<string, double> before, Dictionary<string, double> after)
    {
        var delta = after.ToDictionary(p => p.Key, p => p.Value - before.GetValueOrDefault(p.Key), StringComparer.Ordinal);
        double total = delta.Values.Where(v => v > 0).Sum();
        return delta.Where(p => p.Value > total / 100).OrderByDescending(p => p.Value)
            .ToDictionary(p => p.Key, p => Math.Round(p.Value, 1), StringComparer.Ordinal);
    }
}
