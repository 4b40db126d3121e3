using System.Runtime.InteropServices;

namespace Carteiro.Storage.Sqlite;

/// <summary>
/// Keeps glibc from handing freed heap memory back to the system after every large write.
/// SQLite keeps a write's savepoint journal in memory (a copy of each page it changes): a message
/// to a thousand inboxes changes thousands of pages, so megabytes are allocated and freed per
/// write. With glibc's default trim threshold (128 KiB) that memory went back to the kernel each
/// time and came back page fault by page fault: more than half of such a write's time.
/// </summary>
internal static class NativeHeap
{
    // mallopt's M_TRIM_THRESHOLD; glibc's default is 128 KiB (raised dynamically only by mmap frees).
    private const int TrimThresholdOption = -1;
    private const int TrimThresholdBytes = 64 * 1024 * 1024;

    /// <summary>Raises the trim threshold; false where glibc is not the allocator (musl, other systems).</summary>
    public static bool KeepFreedMemory()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            // mallopt answers 1 when it took the setting.
            return Mallopt(TrimThresholdOption, TrimThresholdBytes) == 1;
        }
        catch (Exception error) when (error is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    // DllImport rather than LibraryImport: two ints need no marshalling code, and LibraryImport
    // would make the project allow unsafe code for this one call.
    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int Mallopt(int option, int value);
}
