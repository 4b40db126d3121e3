using System.Buffers;
using System.Threading.Channels;

namespace Carteiro.Client;

/// <summary>
/// An async client for the Carteiro native protocol (docs/PROTOCOL.md). Commands may be issued
/// concurrently: they are pipelined on one connection and matched to replies by tag. Pushed events
/// arrive on <see cref="Events"/>. With <see cref="CarteiroClientOptions.Reconnect"/>, a dropped
/// connection is restored with back-off and signed in again.
/// </summary>
public sealed partial class CarteiroClient : IAsyncDisposable
{
    private readonly string _host;
    private readonly int _port;
    private readonly CarteiroClientOptions _options;
    private readonly Channel<ClientEvent> _events;
    private readonly CancellationTokenSource _disposed = new();
    private readonly SemaphoreSlim _inFlight;
    private Connection _connection;
    private TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Func<CancellationToken, Task<SessionInfo>>? _signIn;
    private Task _supervisor = Task.CompletedTask;
    private Task _keepalive = Task.CompletedTask;

    private CarteiroClient(string host, int port, CarteiroClientOptions options, Channel<ClientEvent> events, Connection connection, ServerHello hello)
    {
        _host = host;
        _port = port;
        _options = options;
        _events = events;
        _connection = connection;
        Hello = hello;
        _inFlight = new SemaphoreSlim(Math.Max(1, hello.Limits.MaxInFlight));
        _ready.SetResult();
    }

    /// <summary>The server's greeting.</summary>
    public ServerHello Hello { get; private set; }

    /// <summary>The signed-in session, or null before sign-in.</summary>
    public SessionInfo? Session { get; private set; }

    /// <summary>Events pushed by the server and connection state changes.</summary>
    public ChannelReader<ClientEvent> Events => _events.Reader;

    /// <summary>Connects and reads the greeting.</summary>
    /// <exception cref="CarteiroConnectionException">The server cannot be reached or does not speak protocol 1.</exception>
    public static async Task<CarteiroClient> ConnectAsync(string host, int port, CarteiroClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= CarteiroClientOptions.Default;
        var events = Channel.CreateBounded<ClientEvent>(new BoundedChannelOptions(Math.Max(1, options.EventCapacity))
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleWriter = false,
        });
        var (connection, hello) = await Connection.OpenAsync(host, port, events.Writer, options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
        var client = new CarteiroClient(host, port, options, events, connection, hello);
        client._supervisor = client.SuperviseAsync(connection);
        client._keepalive = client.KeepAliveAsync();
        return client;
    }

    private async Task<ServerReply> CommandAsync(string verb, Action<IBufferWriter<byte>>? arguments, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed.IsCancellationRequested, this);
        await _ready.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        await _inFlight.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await _connection.SendAsync(verb, arguments, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _inFlight.Release();
        }
    }

    // Watches the connection; on an unexpected drop, reconnects (if asked to) and signs in again.
    private async Task SuperviseAsync(Connection connection)
    {
        try
        {
            await connection.Closed.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Reported to the commands that were waiting.
        }

        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        if (!_options.Reconnect)
        {
            _events.Writer.TryWrite(new ConnectionStateEvent(ConnectionState.Disconnected));
            return;
        }

        _ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _events.Writer.TryWrite(new ConnectionStateEvent(ConnectionState.Reconnecting));
        var delay = TimeSpan.FromMilliseconds(250);
        while (!_disposed.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(delay + TimeSpan.FromMilliseconds(Random.Shared.Next(0, (int)(delay.TotalMilliseconds / 2) + 1)), _disposed.Token).ConfigureAwait(false);
                var (next, hello) = await Connection.OpenAsync(_host, _port, _events.Writer, _options.ConnectTimeout, _disposed.Token).ConfigureAwait(false);
                await connection.DisposeAsync().ConfigureAwait(false);
                connection = next;
                _connection = next;
                Hello = hello;
                if (_signIn is not null)
                {
                    Session = await _signIn(_disposed.Token).ConfigureAwait(false);
                }

                _ready.TrySetResult();
                _events.Writer.TryWrite(new ConnectionStateEvent(ConnectionState.Connected));
                _supervisor = SuperviseAsync(next);
                return;
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (CarteiroCommandException refused)
            {
                // The server is back but turned the credentials down: stop trying.
                _ready.TrySetException(new CarteiroConnectionException($"reconnected, but sign-in was refused: {refused.Message}", refused));
                _events.Writer.TryWrite(new ConnectionStateEvent(ConnectionState.Disconnected));
                return;
            }
            catch (CarteiroConnectionException)
            {
                delay = TimeSpan.FromMilliseconds(Math.Min(10_000, delay.TotalMilliseconds * 2));
            }
        }
    }

    // Sends NOOP when nothing was sent for a third of the server's idle timeout.
    private async Task KeepAliveAsync()
    {
        var period = TimeSpan.FromSeconds(Math.Max(1, Hello.Limits.IdleSeconds / 3.0));
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Max(0.5, period.TotalSeconds / 4)));
        try
        {
            while (await timer.WaitForNextTickAsync(_disposed.Token).ConfigureAwait(false))
            {
                var connection = _connection;
                if (Environment.TickCount64 - connection.LastWrite < (long)period.TotalMilliseconds || !_ready.Task.IsCompletedSuccessfully)
                {
                    continue;
                }

                try
                {
                    await CommandAsync("NOOP", null, _disposed.Token).ConfigureAwait(false);
                }
                catch (CarteiroConnectionException)
                {
                    // The supervisor deals with it.
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Closes the connection without LOGOUT (see <see cref="LogoutAsync"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        await _disposed.CancelAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_supervisor, _keepalive).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Shutting down.
        }

        _events.Writer.TryComplete();
        _inFlight.Dispose();
        _disposed.Dispose();
    }
}
