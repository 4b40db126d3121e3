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
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                parents[id] = int.Parse(fields[1], CultureInfo.InvariantCulture);
                ticks[id] = long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // Gone while listing.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        if (!ticks.ContainsKey(pid))
        {
            return null;
        }

        double total = 0;
        foreach (var (id, children) in ticks)
        {
            for (int at = id, depth = 0; at > 1 && depth < 64; at = parents.GetValueOrDefault(at), depth++)
            {
                if (at == pid)
                {
                    total += children * TickMilliseconds + ThreadsMilliseconds(id);
                    break;
                }
            }
        }

        return total;
    }

    // The run time of the process's live threads (the first field of each thread's schedstat, in ns).
    private static double ThreadsMilliseconds(int pid)
    {
        long nanoseconds = 0;
        try
        {
            foreach (string task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                try
                {
                    string stat = File.ReadAllText(Path.Combine(task, "schedstat"));
                    nanoseconds += long.Parse(stat.AsSpan(0, stat.IndexOf(' ', StringComparison.Ordinal)), CultureInfo.InvariantCulture);
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

        return nanoseconds / 1e6;
    }
}
