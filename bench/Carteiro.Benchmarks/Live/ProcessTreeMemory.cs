using System.Globalization;

namespace Carteiro.Benchmarks.Live;

/// <summary>
/// Memory of a server process and everything under it, from /proc: RSS and PSS summed over the
/// tree (from each process's smaps_rollup). PSS divides each shared page among the processes
/// mapping it, so it adds up across Dovecot's process per connection where RSS would count the
/// shared libraries once per process. Kernel socket buffers are in neither. Linux only.
/// </summary>
internal static class ProcessTreeMemory
{
    /// <summary>One reading: how many processes, and their summed RSS, PSS and anonymous PSS, in bytes.</summary>
    public sealed record Sample(int Processes, long RssBytes, long PssBytes, long PssAnonBytes);

    /// <summary>The tree under <paramref name="root"/> now, or null when it is gone or this is not Linux.</summary>
    public static Sample? Of(int? root)
    {
        if (Os.ProcStat.TreeOf(root) is not { } tree)
        {
            return null;
        }

        int processes = 0;
        long rss = 0;
        long pss = 0;
        long pssAnon = 0;
        foreach (int id in tree.Keys)
        {
            try
            {
                foreach (string line in File.ReadLines($"/proc/{id}/smaps_rollup"))
                {
                    rss += Kilobytes(line, "Rss:");
                    pss += Kilobytes(line, "Pss:");
                    pssAnon += Kilobytes(line, "Pss_Anon:");
                }

                processes++;
            }
            catch (IOException)
            {
                // Gone while reading.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return new Sample(processes, rss * 1024, pss * 1024, pssAnon * 1024);
    }

    private static long Kilobytes(string line, string key) =>
        line.StartsWith(key, StringComparison.Ordinal) && long.TryParse(line.AsSpan(key.Length).Trim().TrimEnd("kB").Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long kb) ? kb : 0;
}
