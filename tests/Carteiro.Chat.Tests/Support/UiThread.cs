using System.Collections.Concurrent;

namespace Carteiro.Chat.Tests.Support;

/// <summary>
/// A UI thread for view-model tests: one thread with its own <see cref="SynchronizationContext"/>,
/// as Terminal.Gui's main loop is in the app. View models are touched only here, so tests see
/// exactly the threading the app has; events are posted here by the real event pump.
/// </summary>
internal sealed class UiThread : IDisposable
{
    private readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> _queue = [];
    private readonly Thread _thread;

    public UiThread()
    {
        Context = new UiContext(this);
        _thread = new Thread(Loop) { IsBackground = true, Name = "test-ui" };
        _thread.Start();
    }

    public SynchronizationContext Context { get; }

    /// <summary>Runs <paramref name="work"/> on the UI thread and returns its result.</summary>
    public Task<T> RunAsync<T>(Func<Task<T>> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Context.Post(async _ =>
        {
            try
            {
                done.SetResult(await work());
            }
            catch (Exception error)
            {
                done.SetException(error);
            }
        }, null);
        return done.Task;
    }

    public Task RunAsync(Func<Task> work) => RunAsync(async () =>
    {
        await work();
        return true;
    });

    /// <summary>Reads something on the UI thread.</summary>
    public Task<T> GetAsync<T>(Func<T> read) => RunAsync(() => Task.FromResult(read()));

    /// <summary>Polls <paramref name="condition"/> on the UI thread until it holds, failing after <paramref name="timeout"/>.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await GetAsync(condition))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out after {timeout.TotalSeconds:0} s waiting for {what}");
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    public void Dispose()
    {
        _queue.CompleteAdding();
        _thread.Join(TimeSpan.FromSeconds(5));
        _queue.Dispose();
    }

    private void Loop()
    {
        SynchronizationContext.SetSynchronizationContext(Context);
        foreach (var (callback, state) in _queue.GetConsumingEnumerable())
        {
            callback(state);
        }
    }

    private sealed class UiContext(UiThread thread) : SynchronizationContext
    {
        public override void Post(SendOrPostCallback d, object? state)
        {
            if (!thread._queue.IsAddingCompleted)
            {
                thread._queue.Add((d, state));
            }
        }

        public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException("post instead");

        public override SynchronizationContext CreateCopy() => this;
    }
}
