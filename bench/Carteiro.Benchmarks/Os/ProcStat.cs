using System.Globalization;

namespace Carteiro.Benchmarks.Os;

/// <summary>
/// Every process's /proc/PID/stat, for measuring a server's whole process tree (Dovecot and
/// Postfix run a process per connection or per task). Linux only.
/// </summary>
internal static class ProcStat
{
    /// <summary>
    /// The fields after each process's command name, by process id: [1] is the parent, [11] and
    /// [12] user and system time, [13] and [14] what its reaped children used (in USER_HZ ticks).
    /// </summary>
    public static Dictionary<int, string[]> All()
    {
        var all = new Dictionary<int, string[]>();
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
                all[id] = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                // Gone while listing, or not ours to read.
            }
        }

        return all;
    }

    /// <summary><paramref name="root"/> and its descendants among <paramref name="all"/> (empty when root is gone).</summary>
    public static List<int> Tree(Dictionary<int, string[]> all, int root)
    {
        if (!all.ContainsKey(root))
        {
            return [];
        }

        var children = new Dictionary<int, List<int>>();
        foreach (var (id, fields) in all)
        {
            int parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
            if (!children.TryGetValue(parent, out var list))
            {
                children[parent] = list = [];
            }

            list.Add(id);
        }

        var tree = new List<int> { root };
        for (int i = 0; i < tree.Count; i++)
        {
            if (children.TryGetValue(tree[i], out var below))
            {
                tree.AddRange(below);
            }
        }

        return tree;
    }

    /// <summary>
    /// The stat fields of <paramref name="root"/> and each of its descendants, by process id; null
    /// when this is not Linux or the process is gone.
    /// </summary>
    public static Dictionary<int, string[]>? TreeOf(int? root)
    {
        if (root is not int pid || !OperatingSystem.IsLinux() || !Directory.Exists($"/proc/{pid}"))
        {
            return null;
        }

        var all = All();
        var tree = Tree(all, pid);
        return tree.Count == 0 ? null : tree.ToDictionary(id => id, id => all[id]);
    }

    /// <summary>A field as a number.</summary>
    public static long Number(string[] fields, int index) => long.Parse(fields[index], CultureInfo.InvariantCulture);
}
