using System.Buffers;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Unicode;
using Carteiro.Benchmarks.Live;

namespace Carteiro.Benchmarks.Irc;

/// <summary>
/// A lean IRC client (RFC 2812) on a raw socket, for comparing live delivery with an IRC server
/// (ngircd): it registers with NICK and USER, joins one channel, sends PRIVMSGs whose text starts
/// with the message number (<c>PRIVMSG #bench :f17 …</c>), answers PING at once so the server
/// never drops it, and reads the number back out of each PRIVMSG it receives, off spans.
/// </summary>
internal sealed class IrcConnection : LiveConnection
{
    /// <summary>The channel <see cref="SendToGroup"/> posts to.</summary>
    public const string Channel = "#bench";

    private readonly string _nick;
    private readonly TaskCompletionSource _registered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _joined = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private IrcConnection(Socket socket, string nick, int bufferSize)
        : base(socket, bufferSize)
    {
        _nick = nick;
    }

    /// <summary>Connects and registers as <paramref name="nick"/>; done at the welcome (001).</summary>
    public static async Task<IrcConnection> OpenAsync(string host, int port, string nick, int bufferSize, CancellationToken cancellationToken)
    {
        var connection = new IrcConnection(await ConnectAsync(host, port, cancellationToken).ConfigureAwait(false), nick, bufferSize);
        try
        {
            connection.StartReading();
            connection.Send(Encoding.ASCII.GetBytes($"NICK {nick}\r\nUSER {nick} 0 * :{nick}\r\n"));
            await connection.WaitAsync(connection._registered.Task, "registration", cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task WaitAsync(Task step, string what, CancellationToken cancellationToken)
    {
        var first = await Task.WhenAny(step, Completion).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (first != step)
        {
            throw new IOException($"the server closed the connection during {what} ({CloseReason ?? "no reason given"})");
        }

        await step.ConfigureAwait(false);
    }

    /// <summary>Joins <see cref="Channel"/>; done at the end of its name list (366).</summary>
    public override async Task JoinGroupAsync(CancellationToken cancellationToken)
    {
        Send(Encoding.ASCII.GetBytes($"JOIN {Channel}\r\n"));
        await WaitAsync(_joined.Task, "JOIN", cancellationToken).ConfigureAwait(false);
    }

    public override void SendToGroup(int number, ReadOnlySpan<byte> body) => SendPrivmsg(Channel, number, body);

    public override void SendTo(string name, int number, ReadOnlySpan<byte> body) => SendPrivmsg(name, number, body);

    // PRIVMSG <target> :f<number> <body>CRLF, in one write (at most 512 bytes with CRLF, RFC 2812).
    private void SendPrivmsg(string target, int number, ReadOnlySpan<byte> body)
    {
        byte[] line = ArrayPool<byte>.Shared.Rent(96 + target.Length + body.Length);
        try
        {
            var span = line.AsSpan();
            if (!Utf8.TryWrite(span, CultureInfo.InvariantCulture, $"PRIVMSG {target} :f{number} ", out int length))
            {
                throw new InvalidOperationException("the line buffer is too small");
            }

            body.CopyTo(span[length..]);
            length += body.Length;
            "\r\n"u8.CopyTo(span[length..]);
            length += 2;
            if (length > 512)
            {
                throw new ArgumentException($"an IRC line is at most 512 bytes; this one is {length}");
            }

            Send(span[..length]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(line);
        }
    }

    public override void KeepAliveIfIdle()
    {
        // The server asks (PING) and OnLine answers; nothing to do unprompted.
    }

    protected override long OnLine(ReadOnlySpan<byte> line, long receivedAt)
    {
        if (line.IsEmpty)
        {
            return 0;
        }

        if (line[0] != ':')
        {
            // Unprefixed from a server: PING and ERROR.
            if (line.StartsWith("PING"u8))
            {
                Span<byte> pong = stackalloc byte[line.Length + 2];
                "PO"u8.CopyTo(pong);
                line[2..].CopyTo(pong[2..]);
                "\r\n"u8.CopyTo(pong[line.Length..]);
                Send(pong);
            }
            else if (line.StartsWith("ERROR"u8))
            {
                CloseReason = Encoding.UTF8.GetString(line);
            }

            return 0;
        }

        // ":prefix COMMAND params…"
        int space = line.IndexOf((byte)' ');
        if (space < 0)
        {
            return 0;
        }

        var rest = line[(space + 1)..];
        if (rest.StartsWith("PRIVMSG "u8))
        {
            if (Received is { } received)
            {
                int text = rest.IndexOf(" :"u8);
                if (text >= 0 && text + 2 < rest.Length && rest[text + 2] == MessageText.Marker &&
                    MessageText.TryNumberAt(rest, text + 3, out int number))
                {
                    received(number, receivedAt);
                }
            }
        }
        else if (rest.StartsWith("001 "u8))
        {
            _registered.TrySetResult();
        }
        else if (rest.StartsWith("366 "u8))
        {
            _joined.TrySetResult();
        }
        else if (rest.StartsWith("433 "u8) || rest.StartsWith("432 "u8))
        {
            _registered.TrySetException(new IOException($"nick {_nick} refused: {Encoding.UTF8.GetString(rest)}"));
        }
        else if (rest.StartsWith("404 "u8) || rest.StartsWith("401 "u8) || rest.StartsWith("403 "u8))
        {
            // Cannot send to the channel, no such nick or channel: the message is lost.
            Refused++;
            if (Refused <= 3)
            {
                Console.Error.WriteLine($"irc: send refused: {Encoding.UTF8.GetString(rest)}");
            }
        }

        return 0;
    }
}
