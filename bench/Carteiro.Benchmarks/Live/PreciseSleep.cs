using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Carteiro.Benchmarks.Live;

/// <summary>
/// Sleeps for less than a millisecond, for an open-loop sender pacing 1,000 messages a second:
/// <see cref="Thread.Sleep(int)"/> rounds to whole milliseconds, and spinning would take a core
/// from the server on a two-core machine. On Linux it is <c>usleep</c> with the calling thread's
/// timer slack cut from the default 50 µs to 1 µs (<c>prctl(PR_SET_TIMERSLACK)</c>), so a wake-up
/// is late by tens of microseconds at most; elsewhere it falls back to whole milliseconds.
/// </summary>
internal static class PreciseSleep
{
    private const int PrSetTimerSlack = 29;

    /// <summary>Asks for fine timer wake-ups on the calling thread (Linux; a no-op elsewhere).</summary>
    public static void UseFineTimerSlack()
    {
        if (OperatingSystem.IsLinux())
        {
            _ = Prctl(PrSetTimerSlack, 1000, 0, 0, 0);
        }
    }

    /// <summary>Sleeps until <paramref name="due"/> (a <see cref="Stopwatch"/> timestamp), or returns at once if it has passed.</summary>
    public static void Until(long due)
    {
        while (true)
        {
            long remaining = due - Stopwatch.GetTimestamp();
            if (remaining <= 0)
            {
                return;
            }

            double micros = remaining * 1_000_000.0 / Stopwatch.Frequency;
            if (OperatingSystem.IsLinux())
            {
                _ = USleep((uint)Math.Max(1, micros));
            }
            else
            {
                Thread.Sleep(Math.Max(1, (int)(micros / 1000)));
            }
        }
    }

    // DllImport, not LibraryImport: blittable arguments need no marshalling code, and the project
    // does not have to allow unsafe code for it.
    [DllImport("libc", EntryPoint = "usleep")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int USleep(uint microseconds);

    [DllImport("libc", EntryPoint = "prctl")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Prctl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);
}
