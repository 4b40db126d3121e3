using Carteiro.Storage.Sqlite;

namespace Carteiro.Storage.Tests;

/// <summary>
/// The writer thread sleeps on a <see cref="WakeSignal"/>. A call that got lost left a committed
/// send unanswered until some other write came along (or a server stop waiting forever): the
/// writer used to reset a manual-reset event after a wait that had timed out, dropping a call
/// made in between.
/// </summary>
public sealed class WakeSignalTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public void ACallMadeWhileNobodyWaits_WakesTheNextWait()
    {
        var signal = new WakeSignal();
        signal.Set();
        Assert.True(signal.Wait(TimeSpan.Zero));
    }

    [Fact]
    public void AWaitThatReturns_TakesTheCall()
    {
        var signal = new WakeSignal();
        signal.Set();
        signal.Set();
        Assert.True(signal.Wait(TimeSpan.Zero));
        Assert.False(signal.Wait(TimeSpan.Zero));
    }

    [Fact]
    public void ACallAfterAWaitTimedOut_IsKeptForTheNextWait()
    {
        var signal = new WakeSignal();
        Assert.False(signal.Wait(TimeSpan.FromMilliseconds(20)));
        signal.Set();
        Assert.True(signal.Wait(TimeSpan.Zero));
    }

    [Fact]
    public async Task AWaitingThread_IsWoken()
    {
        var signal = new WakeSignal();
        using var waiting = new ManualResetEventSlim();
        var waiter = Task.Factory.StartNew(() =>
        {
            waiting.Set();
            return signal.Wait(Timeout.InfiniteTimeSpan);
        }, TaskCreationOptions.LongRunning);
        Assert.True(waiting.Wait(Patience, TestContext.Current.CancellationToken));
        await Task.Delay(50, TestContext.Current.CancellationToken);

        signal.Set();

        Assert.True(await waiter.WaitAsync(Patience, TestContext.Current.CancellationToken));
    }

    [Fact]
    public void ATimedWait_ReturnsFalseAfterItsTimeout()
    {
        var signal = new WakeSignal();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Assert.False(signal.Wait(TimeSpan.FromMilliseconds(100)));
        Assert.True(clock.ElapsedMilliseconds >= 95, $"returned after {clock.ElapsedMilliseconds} ms");
    }
}
