using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Carteiro.Benchmarks.Imap;

/// <summary>
/// A lean IMAP client connection on a raw socket, for benchmarks against any IMAP server
/// (Carteiro's door, Dovecot): it sends command text and reads whole responses (a line and the
/// literals it announces), keeping only each response's first line, so the client costs little
/// next to the server. Loopback only.
/// </summary>
internal sealed class ImapConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _reader;
    private int _tag;

    private ImapConnection(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
        _reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 64 * 1024));
    }

    /// <summary>The capabilities last announced (greeting, sign-in, or a CAPABILITY answer), space-delimited.</summary>
    public string Capabilities { get; private set; } = "";

    public bool HasLiteralPlus => Capabilities.Contains(" LITERAL+", StringComparison.OrdinalIgnoreCase);

    /// <summary>Bytes received so far.</summary>
    public long BytesReceived { get; private set; }

    /// <summary>Refuses any address that is not this machine's: load goes to loopback only.</summary>
    public static void EnsureLoopback(string host)
    {
        if (host != "localhost" && !(IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address)))
        {
            throw new ArgumentException($"load goes to loopback only, not {host}");
        }
    }

    /// <summary>Connects and reads the greeting (which must be OK).</summary>
    public static async Task<ImapConnection> OpenAsync(string host, int port, CancellationToken cancellationToken)
    {
        EnsureLoopback(host);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var connection = new ImapConnection(socket);
        var greeting = await connection.ReadResponseAsync(cancellationToken).ConfigureAwait(false);
        if (!greeting.StartsWith("* OK", StringComparison.OrdinalIgnoreCase))
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new IOException($"the server did not greet with OK: {greeting}");
        }

        connection.NoteCapabilities(greeting);
        return connection;
    }

    public string NextTag() => "b" + (++_tag).ToString(CultureInfo.InvariantCulture);

    public ValueTask SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken) => _stream.WriteAsync(bytes, cancellationToken);

    public ValueTask SendAsync(string text, CancellationToken cancellationToken) => _stream.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);

    /// <summary>What a command ended with: its tagged line, and how many untagged responses came before it.</summary>
    public readonly record struct Outcome(string Tagged, int Untagged)
    {
        public bool Ok => Status == "OK";

        /// <summary>OK, NO or BAD.</summary>
        public string Status
        {
            get
            {
                int space = Tagged.IndexOf(' ', StringComparison.Ordinal);
                string rest = space < 0 ? "" : Tagged[(space + 1)..];
                int end = rest.IndexOf(' ', StringComparison.Ordinal);
                return (end < 0 ? rest : rest[..end]).ToUpperInvariant();
            }
        }
    }

    /// <summary>
    /// Sends <c>TAG text</c> and reads responses up to the tagged one; <paramref name="onUntagged"/>
    /// sees the first line of each untagged response.
    /// </summary>
    public async Task<Outcome> CommandAsync(string text, CancellationToken cancellationToken, Action<string>? onUntagged = null)
    {
        string tag = NextTag();
        await SendAsync($"{tag} {text}\r\n", cancellationToken).ConfigureAwait(false);
        return await ReadUntilTaggedAsync(tag, cancellationToken, onUntagged).ConfigureAwait(false);
    }

    public async Task<Outcome> ReadUntilTaggedAsync(string tag, CancellationToken cancellationToken, Action<string>? onUntagged = null)
    {
        int untagged = 0;
        while (true)
        {
            string line = await ReadResponseAsync(cancellationToken).ConfigureAwait(false);
            if (line.Length > tag.Length && line[tag.Length] == ' ' && line.StartsWith(tag, StringComparison.Ordinal))
            {
                NoteCapabilities(line);
                return new Outcome(line, untagged);
            }

            untagged++;
            onUntagged?.Invoke(line);
        }
    }

    /// <summary>Runs a command that must answer OK.</summary>
    public async Task<Outcome> MustAsync(string text, CancellationToken cancellationToken, Action<string>? onUntagged = null)
    {
        var outcome = await CommandAsync(text, cancellationToken, onUntagged).ConfigureAwait(false);
        return outcome.Ok ? outcome : throw new IOException($"{FirstWord(text)} failed: {outcome.Tagged}");
    }

    /// <summary>Connects and signs in with LOGIN; the connection is closed again if the sign-in fails.</summary>
    public static async Task<ImapConnection> SignInAsync(string host, int port, string user, string password, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(host, port, cancellationToken).ConfigureAwait(false);
        try
        {
            await connection.LoginAsync(user, password, cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public Task LoginAsync(string user, string password, CancellationToken cancellationToken) =>
        MustAsync($"LOGIN {Quote(user)} {Quote(password)}", cancellationToken);

    /// <summary>Selects a mailbox; its message count (EXISTS).</summary>
    public async Task<int> SelectAsync(string mailbox, CancellationToken cancellationToken)
    {
        int exists = -1;
        await MustAsync($"SELECT {Quote(mailbox)}", cancellationToken, line => exists = ExistsOf(line) ?? exists).ConfigureAwait(false);
        return exists;
    }

    /// <summary>Asks for the capabilities when none were announced yet.</summary>
    public async Task RefreshCapabilitiesAsync(CancellationToken cancellationToken) =>
        await MustAsync("CAPABILITY", cancellationToken, line =>
        {
            if (line.StartsWith("* CAPABILITY ", StringComparison.OrdinalIgnoreCase))
            {
                Capabilities = " " + line["* CAPABILITY ".Length..] + " ";
            }
        }).ConfigureAwait(false);

    /// <summary>
    /// Appends a message: with a non-synchronizing literal when the server offers LITERAL+ (the
    /// caller may then pipeline, reading the answers later with <see cref="ReadUntilTaggedAsync"/>),
    /// else announcing it and waiting for the server's "+". Returns the command's tag.
    /// </summary>
    public async Task<string> SendAppendAsync(string mailbox, string flags, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        string tag = NextTag();
        string flagList = flags.Length > 0 ? $" ({flags})" : "";
        if (HasLiteralPlus)
        {
            await SendAsync($"{tag} APPEND {Quote(mailbox)}{flagList} {{{message.Length}+}}\r\n", cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await SendAsync($"{tag} APPEND {Quote(mailbox)}{flagList} {{{message.Length}}}\r\n", cancellationToken).ConfigureAwait(false);
            string answer = await ReadResponseAsync(cancellationToken).ConfigureAwait(false);
            if (!answer.StartsWith('+'))
            {
                throw new IOException($"APPEND refused before the literal: {answer}");
            }
        }

        await SendAsync(message, cancellationToken).ConfigureAwait(false);
        await SendAsync("\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
        return tag;
    }

    /// <summary>LOGOUT, then waits (briefly) for the server to close, so the server closes first.</summary>
    public async Task LogoutAsync(CancellationToken cancellationToken)
    {
        await CommandAsync("LOGOUT", cancellationToken).ConfigureAwait(false);
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            while (true)
            {
                var result = await _reader.ReadAsync(wait.Token).ConfigureAwait(false);
                _reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The server kept the connection open: closed from here.
        }
        catch (IOException)
        {
            // Reset while closing: closed either way.
        }
    }

    /// <summary>Reads one whole response (a line, the literals it announces and the lines after them); its first line without CRLF.</summary>
    public async ValueTask<string> ReadResponseAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (TryReadResponse(ref buffer, out string line, out long length))
            {
                BytesReceived += length;
                _reader.AdvanceTo(buffer.Start);
                return line;
            }

            _reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                throw new IOException("the server closed the connection");
            }
        }
    }

    private static bool TryReadResponse(ref ReadOnlySequence<byte> buffer, out string first, out long length)
    {
        var reader = new SequenceReader<byte>(buffer);
        first = "";
        length = 0;
        bool isFirst = true;
        while (true)
        {
            if (!reader.TryReadTo(out ReadOnlySequence<byte> line, (byte)'\n'))
            {
                return false;
            }

            if (isFirst)
            {
                var text = line.Length > 0 && line.Slice(line.Length - 1).FirstSpan[0] == '\r' ? line.Slice(0, line.Length - 1) : line;
                first = Encoding.UTF8.GetString(text);
                isFirst = false;
            }

            long literal = LiteralLength(line);
            if (literal < 0)
            {
                length = reader.Consumed;
                buffer = buffer.Slice(reader.Position);
                return true;
            }

            if (reader.Remaining < literal)
            {
                return false;
            }

            reader.Advance(literal);
        }
    }

    // "... {123}\r" at the end of a line: 123; else -1.
    private static long LiteralLength(ReadOnlySequence<byte> line)
    {
        Span<byte> tail = stackalloc byte[24];
        int take = (int)Math.Min(line.Length, tail.Length);
        line.Slice(line.Length - take).CopyTo(tail);
        var end = tail[..take].TrimEnd((byte)'\r');
        if (end.IsEmpty || end[^1] != '}')
        {
            return -1;
        }

        int open = end.LastIndexOf((byte)'{');
        if (open < 0)
        {
            return -1;
        }

        var digits = end[(open + 1)..^1].TrimEnd((byte)'+');
        return digits.Length > 0 && long.TryParse(Encoding.ASCII.GetString(digits), NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : -1;
    }

    /// <summary>n from "* n EXISTS", else null.</summary>
    public static int? ExistsOf(string line)
    {
        if (!line.StartsWith("* ", StringComparison.Ordinal) || !line.EndsWith(" EXISTS", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return int.TryParse(line.AsSpan(2, line.Length - 2 - " EXISTS".Length), NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : null;
    }

    public static string Quote(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static string FirstWord(string text)
    {
        int space = text.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? text : text[..space];
    }

    private void NoteCapabilities(string line)
    {
        int start = line.IndexOf("[CAPABILITY ", StringComparison.OrdinalIgnoreCase);
        if (start < 0)
        {
            return;
        }

        int end = line.IndexOf(']', start);
        if (end > start)
        {
            Capabilities = " " + line[(start + "[CAPABILITY ".Length)..end] + " ";
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _reader.CompleteAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        _socket.Dispose();
    }
}
