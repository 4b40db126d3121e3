using System.ComponentModel;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Carteiro.Protocols.Native;

/// <summary>
/// Tells idle connections when they have something to read, from one epoll set and one thread
/// (Linux on x64).
/// </summary>
/// <remarks>
/// An idle connection that waits with the runtime's own asynchronous receive keeps the socket's
/// receive machinery alive for the rest of its life: the cached awaitable event args, the pending
/// receive operation and its callback, about 490 bytes, more than a third of the objects an idle
/// native connection holds. Waiting here costs an entry in the kernel's epoll set and the
/// session's own completion source (48 bytes), and the session then reads with non-blocking
/// receives. Registrations are one-shot and level-triggered: a session re-arms each wait, and a
/// socket that is already readable answers at once.
/// </remarks>
internal sealed class ReadinessPoller : IDisposable
{
    private const int EpollCloexec = 0x80000;
    private const int EpollCtlAdd = 1;
    private const int EpollCtlMod = 3;
    private const uint EpollIn = 0x001;
    private const uint EpollRdHup = 0x2000;
    private const uint EpollOneShot = 1u << 30;
    private const int EfdNonBlock = 0x800;
    private const int EfdCloexec = 0x80000;
    private const int Interrupted = 4;
    private const ulong StopKey = ulong.MaxValue;

    private readonly int _epoll;
    private readonly int _stop;
    private readonly Func<long, IReadinessWaiter?> _find;
    private readonly Thread _thread;
    private int _disposed;

    private ReadinessPoller(int epoll, int stop, Func<long, IReadinessWaiter?> find)
    {
        _find = find;
        _epoll = epoll;
        _stop = stop;
        _thread = new Thread(Run) { IsBackground = true, Name = "carteiro-poll" };
        _thread.Start();
    }

    /// <summary>
    /// A poller that wakes the waiter <paramref name="find"/> gives for an id (null once it has
    /// ended), or null where epoll is not available (the caller then waits the runtime's way).
    /// </summary>
    public static ReadinessPoller? TryCreate(Func<long, IReadinessWaiter?> find)
    {
        // epoll_event is packed on x86-64 only; elsewhere the runtime's receive path serves.
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            return null;
        }

        int epoll = epoll_create1(EpollCloexec);
        if (epoll < 0)
        {
            return null;
        }

        int stop = eventfd(0, EfdNonBlock | EfdCloexec);
        var wake = new EpollEvent { Events = EpollIn, Data = StopKey };
        if (stop < 0 || epoll_ctl(epoll, EpollCtlAdd, stop, ref wake) != 0)
        {
            _ = close(epoll);
            if (stop >= 0)
            {
                _ = close(stop);
            }

            return null;
        }

        return new ReadinessPoller(epoll, stop, find);
    }

    /// <summary>
    /// Wakes the waiter with <paramref name="id"/> once when <paramref name="socket"/> has
    /// something to read (or was shut, closed or reset). <paramref name="first"/> on the socket's
    /// first wait.
    /// </summary>
    /// <exception cref="SocketException">The socket cannot be watched (closed meanwhile).</exception>
    public void Arm(Socket socket, long id, bool first)
    {
        var interest = new EpollEvent { Events = EpollIn | EpollRdHup | EpollOneShot, Data = (ulong)id };
        bool added = false;
        socket.SafeHandle.DangerousAddRef(ref added);
        try
        {
            int fd = (int)socket.SafeHandle.DangerousGetHandle();
            if (epoll_ctl(_epoll, first ? EpollCtlAdd : EpollCtlMod, fd, ref interest) != 0)
            {
                throw new SocketException(Marshal.GetLastPInvokeError());
            }
        }
        finally
        {
            if (added)
            {
                socket.SafeHandle.DangerousRelease();
            }
        }
    }

    private void Run()
    {
        var events = new EpollEvent[256];
        while (true)
        {
            int count = epoll_wait(_epoll, events, events.Length, -1);
            if (count < 0)
            {
                if (Marshal.GetLastPInvokeError() == Interrupted)
                {
                    continue;
                }

                throw new Win32Exception(Marshal.GetLastPInvokeError(), "epoll_wait failed");
            }

            for (int i = 0; i < count; i++)
            {
                ulong key = events[i].Data;
                if (key == StopKey)
                {
                    _ = close(_epoll);
                    _ = close(_stop);
                    return;
                }

                // A session that ended meanwhile is no longer found; its event means nothing. (Its
                // socket left the set when it was closed.)
                try
                {
                    _find((long)key)?.Readable();
                }
                catch (Exception error) when (error is InvalidOperationException or ObjectDisposedException)
                {
                    // A waiter in a state it should not be in must not stop every other wake-up.
                }
            }
        }
    }

    /// <summary>Stops the thread and closes the set.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        ulong one = 1;
        _ = write(_stop, ref one, sizeof(ulong));
        _thread.Join();
    }

    [StructLayout(LayoutKind.Sequential, Pack = 1)]
    private struct EpollEvent
    {
        public uint Events;
        public ulong Data;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int epoll_create1(int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int epoll_ctl(int epfd, int op, int fd, ref EpollEvent ev);

    [DllImport("libc", SetLastError = true)]
    private static extern int epoll_wait(int epfd, [Out] EpollEvent[] events, int maxevents, int timeout);

    [DllImport("libc", SetLastError = true)]
    private static extern int eventfd(uint initval, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern nint write(int fd, ref ulong value, nint count);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);
}

/// <summary>What <see cref="ReadinessPoller"/> wakes.</summary>
internal interface IReadinessWaiter
{
    /// <summary>Called on the poller's thread: must only hand off, never block.</summary>
    void Readable();
}
