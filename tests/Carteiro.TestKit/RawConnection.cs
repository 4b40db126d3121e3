using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;

namespace Carteiro.TestKit;

/// <summary>
/// A bare TCP connection speaking the native protocol as text, for protocol and abuse tests:
/// what is sent is exactly what the test wrote, and replies are read line by line (literals are
/// returned as the text of the line that follows them).
/// </summary>
public sealed class RawConnection : IAsyncDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _reader;

    private RawConnection(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
        _reader = PipeReader.Create(_stream);
    }

    /// <summary>The greeting line the server sent on connect.</summary>
    public string Greeting { get; private set; } = "";

    /// <summary>Connects to the native door and reads the greeting.</summary>
    public static Task<RawConnection> ConnectAsync(TestServer server, bool readGreeting = true) => ConnectAsync(server.Native, readGreeting);

    /// <summary>Connects to any door (SMTP, ...) and reads the one-line greeting.</summary>
    public static async Task<RawConnection> ConnectAsync(System.Net.IPEndPoint endpoint, bool readGreeting = true)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endpoint).ConfigureAwait(false);
        var connection = new RawConnection(socket);
        if (readGreeting)
        {
            connection.Greeting = await connection.ReadLineAsync().ConfigureAwait(false) ?? "";
        }

        return connection;
    }

    /// <summary>
    /// Starts TLS on this connection (after the door agreed to STARTTLS), trusting exactly
    /// <paramref name="expected"/>; the returned stream carries the rest of the conversation.
    /// </summary>
    public async Task<System.Net.Security.SslStream> UpgradeToTlsAsync(System.Security.Cryptography.X509Certificates.X509Certificate2 expected)
    {
        var tls = new System.Net.Security.SslStream(_stream, leaveInnerStreamOpen: true,
            (_, certificate, _, _) => certificate is not null && certificate.GetCertHashString() == expected.GetCertHashString());
        await tls.AuthenticateAsClientAsync("localhost").ConfigureAwait(false);
        return tls;
    }

    /// <summary>Connects and signs in with LOGIN.</summary>
    public static async Task<RawConnection> LoginAsync(TestServer server, string user, string password = Passwords.Default)
    {
        var connection = await ConnectAsync(server).ConfigureAwait(false);
        var reply = await connection.CommandAsync($"login LOGIN {user} \"{password}\"").ConfigureAwait(false);
        if (!reply.Last().StartsWith("login OK", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"sign-in failed: {reply.Last()}");
        }

        return connection;
    }

    /// <summary>Sends text as UTF-8, adding CRLF when <paramref name="line"/> is true.</summary>
    public async Task SendAsync(string text, bool line = true)
    {
        await SendBytesAsync(Encoding.UTF8.GetBytes(line ? text + "\r\n" : text)).ConfigureAwait(false);
    }

    /// <summary>Sends raw bytes.</summary>
    public async Task SendBytesAsync(ReadOnlyMemory<byte> bytes)
    {
        await _stream.WriteAsync(bytes).ConfigureAwait(false);
        await _stream.FlushAsync().ConfigureAwait(false);
    }

    /// <summary>Reads one line (without CRLF); null when the server closed the connection.</summary>
    public async Task<string?> ReadLineAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? DefaultTimeout);
        while (true)
        {
            ReadResult result;
            try
            {
                result = await _reader.ReadAsync(cancel.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("no line from the server in time");
            }
            catch (IOException)
            {
                return null;
            }

            var buffer = result.Buffer;
            var newline = buffer.PositionOf((byte)'\n');
            if (newline is { } position)
            {
                var line = buffer.Slice(0, position);
                string text = Encoding.UTF8.GetString(line.ToArray()).TrimEnd('\r');
                _reader.AdvanceTo(buffer.GetPosition(1, position));
                return text;
            }

            _reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return null;
            }
        }
    }

    /// <summary>Reads lines until one starts with <paramref name="prefix"/>; returns all lines read.</summary>
    public async Task<List<string>> ReadUntilAsync(string prefix, TimeSpan? timeout = null)
    {
        var lines = new List<string>();
        while (true)
        {
            string? line = await ReadLineAsync(timeout).ConfigureAwait(false) ?? throw new IOException($"connection closed before '{prefix}'; got: {string.Join(" | ", lines)}");
            lines.Add(line);
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return lines;
            }
        }
    }

    /// <summary>Sends a command line that starts with its tag and reads until the tagged reply.</summary>
    public async Task<List<string>> CommandAsync(string commandLine)
    {
        string tag = commandLine[..commandLine.IndexOf(' ', StringComparison.Ordinal)];
        await SendAsync(commandLine).ConfigureAwait(false);
        return await ReadUntilAsync(tag + " ").ConfigureAwait(false);
    }

    /// <summary>True when the server has closed the connection (reads to the end within the timeout).</summary>
    public async Task<bool> WaitClosedAsync(TimeSpan timeout)
    {
        try
        {
            while (await ReadLineAsync(timeout).ConfigureAwait(false) is not null)
            {
            }

            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Closes the socket at once (no LOGOUT), like a killed client.</summary>
    public void Abort() => _socket.Close(0);

    /// <summary>Closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await _reader.CompleteAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        _socket.Dispose();
    }
}
