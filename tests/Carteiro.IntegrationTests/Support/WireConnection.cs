using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Carteiro.IntegrationTests.Support;

/// <summary>One frame from the server: its lines, and the literals that followed <c>{N}</c> markers, byte for byte.</summary>
internal sealed record WireFrame(IReadOnlyList<string> Lines, IReadOnlyList<byte[]> Literals)
{
    /// <summary>The first line.</summary>
    public string Line => Lines[0];

    public override string ToString() => Line;
}

/// <summary>
/// A socket connection that reads whole frames, literals included, byte-exact: for tests that
/// check payload bytes (bodies with CRLF or NUL, binary attachments) and for a server in another
/// process, which <see cref="TestKit.RawConnection"/> cannot reach.
/// </summary>
internal sealed partial class WireConnection : IAsyncDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _reader;
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    private WireConnection(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
        _reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024));
    }

    public string Greeting { get; private set; } = "";

    /// <summary>Connects; a small <paramref name="receiveBufferSize"/> makes a server that sends much wait for this reader.</summary>
    public static async Task<WireConnection> ConnectAsync(IPEndPoint endpoint, int? receiveBufferSize = null, CancellationToken cancellationToken = default)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (receiveBufferSize is { } size)
        {
            socket.ReceiveBufferSize = size;
        }

        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var connection = new WireConnection(socket);
        var greeting = await connection.ReadFrameAsync() ?? throw new IOException("closed before the greeting");
        connection.Greeting = greeting.Line;
        return connection;
    }

    /// <summary>Connects and signs in with LOGIN (or REGISTER when <paramref name="register"/>).</summary>
    public static async Task<WireConnection> SignInAsync(IPEndPoint endpoint, string user, string password = TestKit.Passwords.Default, bool register = false)
    {
        var connection = await ConnectAsync(endpoint);
        string verb = register ? "REGISTER" : "LOGIN";
        var frames = await connection.CommandAsync("s1", Encoding.UTF8.GetBytes($"s1 {verb} {user} {Json.Quote(password)}\r\n"));
        if (!frames[^1].Line.StartsWith("s1 OK", StringComparison.Ordinal))
        {
            await connection.DisposeAsync();
            throw new InvalidOperationException($"{verb} {user} failed: {frames[^1].Line}");
        }

        return connection;
    }

    public async Task SendAsync(ReadOnlyMemory<byte> bytes)
    {
        await _writeLock.WaitAsync();
        try
        {
            await _stream.WriteAsync(bytes);
            await _stream.FlushAsync();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public Task SendAsync(string line) => SendAsync(Encoding.UTF8.GetBytes(line + "\r\n"));

    /// <summary>Sends a command and reads frames up to its tagged reply (inclusive).</summary>
    public async Task<List<WireFrame>> CommandAsync(string tag, ReadOnlyMemory<byte> command)
    {
        await SendAsync(command);
        return await ReadUntilTagAsync(tag);
    }

    /// <summary>Sends a one-line command and reads frames up to its tagged reply (inclusive).</summary>
    public Task<List<WireFrame>> CommandAsync(string line) =>
        CommandAsync(line[..line.IndexOf(' ', StringComparison.Ordinal)], Encoding.UTF8.GetBytes(line + "\r\n"));

    public async Task<List<WireFrame>> ReadUntilTagAsync(string tag)
    {
        var frames = new List<WireFrame>();
        while (true)
        {
            var frame = await ReadFrameAsync() ?? throw new IOException($"closed before '{tag}'; got: {string.Join(" | ", frames)}");
            frames.Add(frame);
            if (frame.Line.StartsWith(tag + " ", StringComparison.Ordinal))
            {
                return frames;
            }
        }
    }

    /// <summary>Reads one frame; null when the server closed the connection.</summary>
    public async Task<WireFrame?> ReadFrameAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? DefaultTimeout);
        var lines = new List<string>();
        var literals = new List<byte[]>();
        while (true)
        {
            var line = await ReadLineAsync(cancel.Token);
            if (line is null)
            {
                return null;
            }

            lines.Add(line);
            var marker = LiteralMarker().Match(line);
            if (!marker.Success)
            {
                return new WireFrame(lines, literals);
            }

            var literal = await ReadExactlyAsync(int.Parse(marker.Groups[1].ValueSpan, provider: null), cancel.Token);
            if (literal is null)
            {
                return null;
            }

            literals.Add(literal);
        }
    }

    private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await ReadAsync(cancellationToken);
            if (result is null)
            {
                return null;
            }

            var buffer = result.Value.Buffer;
            if (buffer.PositionOf((byte)'\n') is { } newline)
            {
                string text = Encoding.UTF8.GetString(buffer.Slice(0, newline).ToArray()).TrimEnd('\r');
                _reader.AdvanceTo(buffer.GetPosition(1, newline));
                return text;
            }

            _reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.Value.IsCompleted)
            {
                return null;
            }
        }
    }

    private async Task<byte[]?> ReadExactlyAsync(int length, CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await ReadAsync(cancellationToken);
            if (result is null)
            {
                return null;
            }

            var buffer = result.Value.Buffer;
            if (buffer.Length >= length)
            {
                byte[] bytes = buffer.Slice(0, length).ToArray();
                _reader.AdvanceTo(buffer.GetPosition(length));
                return bytes;
            }

            _reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.Value.IsCompleted)
            {
                return null;
            }
        }
    }

    private async Task<ReadResult?> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _reader.ReadAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("no frame from the server in time");
        }
        catch (IOException)
        {
            return null;
        }
        catch (SocketException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _reader.CompleteAsync();
        await _stream.DisposeAsync();
        _socket.Dispose();
        _writeLock.Dispose();
    }

    [GeneratedRegex(@"\{(\d+)\}$")]
    private static partial Regex LiteralMarker();
}

/// <summary>Builds a command with literals: text, then <c> {N}</c> CRLF and the bytes, and so on, then CRLF.</summary>
internal sealed class WireCommand
{
    private readonly ArrayBufferWriter<byte> _bytes = new();

    public WireCommand(string start) => Text(start);

    public WireCommand Text(string text)
    {
        _bytes.Write(Encoding.UTF8.GetBytes(text));
        return this;
    }

    public WireCommand Literal(ReadOnlySpan<byte> data)
    {
        Text($" {{{data.Length}}}\r\n");
        _bytes.Write(data);
        return this;
    }

    public byte[] End()
    {
        Text("\r\n");
        return _bytes.WrittenSpan.ToArray();
    }
}

/// <summary>Picks frames out of a command's answer.</summary>
internal static class WireFrames
{
    /// <summary>The one frame whose line starts with <paramref name="prefix"/>.</summary>
    public static WireFrame One(this IEnumerable<WireFrame> frames, string prefix) =>
        Assert.Single(frames, f => f.Line.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>The JSON of the one <c>* TYPE {json}</c> frame.</summary>
    public static System.Text.Json.JsonElement Data(this IEnumerable<WireFrame> frames, string type) =>
        Json.After(frames.One($"* {type} ").Line, $"* {type} ");
}
