using System.Diagnostics;

namespace Carteiro.Benchmarks.BigStore;

/// <summary>
/// Empties the kernel's page cache (<c>sync; echo 3 &gt; /proc/sys/vm/drop_caches</c>), so that the
/// next start reads the runtime, the program and the database from disk, as after a reboot. Needs
/// root; elsewhere it says why it could not, and "cold" runs are then only a new process. And the
/// opposite: reads the data folder and the runtime through once, so that "warm" means cached.
/// </summary>
internal static class ColdCache
{
    /// <summary>Drops the caches; null when it worked, else the reason it did not.</summary>
    public static async Task<string?> DropAsync()
    {
        try
        {
            // Dirty pages are not dropped: write them out first.
            using (var sync = Process.Start(new ProcessStartInfo("sync") { UseShellExecute = false }))
            {
                if (sync is not null)
                {
                    await sync.WaitForExitAsync().ConfigureAwait(false);
                }
            }

            await File.WriteAllTextAsync("/proc/sys/vm/drop_caches", "3").ConfigureAwait(false);
            return null;
        }
        catch (Exception error) when (error is UnauthorizedAccessException or IOException)
        {
            return error.Message;
        }
    }

    /// <summary>Reads every file under <paramref name="folders"/> once, so that the page cache holds them ("warm").</summary>
    public static async Task<long> WarmAsync(params string[] folders)
    {
        long bytes = 0;
        var buffer = new byte[1 << 20];
        foreach (string folder in folders)
        {
            foreach (string file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
            {
                await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
                int read;
                while ((read = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
                {
                    bytes += read;
                }
            }
        }

        return bytes;
    }
}
