using Carteiro.Storage.Sqlite;

namespace Carteiro.Storage.Tests;

public sealed class NativeHeapTests
{
    [Fact]
    public void OnGlibc_TheTrimThresholdIsTaken()
    {
        // Debian (and CI) run glibc: the setting must take there, or large writes pay page faults again.
        Assert.SkipUnless(OperatingSystem.IsLinux() && File.Exists("/lib/x86_64-linux-gnu/libc.so.6"), "needs glibc on x86-64 Linux");

        Assert.True(NativeHeap.KeepFreedMemory());
    }
}
