using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Unicode;
using Carteiro.Benchmarks.Live;

namespace Carteiro.Benchmarks.Native;

/// <summary>
/// A lean client for Carteiro's native protocol (docs/PROTOCOL.md) on a raw socket, for the live
/// scenarios: it signs in (REGISTER, or LOGIN when the name is taken), pipelines SENDs tagged with
/// the message number (<c>m17 SEND … SUBJECT f17 …</c>), and reads replies and events off spans
/// (the number from <c>"subject":"f17"</c> in <c>* MAIL</c>) without building strings or JSON
/// objects, where <see cref="Carteiro.Client.CarteiroClient"/> would parse every event fully.
/// </summary>
internal sealed class NativeConnection : LiveConnection
{
    private readonly TaskCompletionSource _hello = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource<string> _reply = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _signInTag;

    private NativeConnection(Socket socket, int bufferSize)
        : base(socket, bufferSize)
    {
    }

    /// <summary>The server's idle timeout from its greeting, in seconds.</summary>
    public int IdleSeconds { get; private set; } = 90;

    private static ReadOnlySpan<byte> SubjectKey => "\"subject\":\"f"u8;

    /// <summary>Connects, reads the greeting and signs in as <paramref name="user"/>.</summary>
    public static async Task<NativeConnection> OpenAsync(string host, int port, string user, string password, int bufferSize, CancellationToken cancellationToken)
    {
        var connection = new NativeConnection(await ConnectAsync(host, port, cancellationToken).ConfigureAwait(false), bufferSize);
        try
        {
            connection.StartReading();
            await connection._hello.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            string reply = await connection.CommandAsync($"REGISTER {user} {password}", cancellationToken).ConfigureAwait(false);
            if (reply.Contains(" NO name-taken", StringComparison.Ordinal))
            {
                reply = await connection.CommandAsync($"LOGIN {user} {password}", cancellationToken).ConfigureAwait(false);
            }

            if (!reply.Contains(" OK", StringComparison.Ordinal))
            {
                throw new IOException($"sign-in as {user} refused: {reply}");
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    // One sign-in command at a time, tagged s1, s2, …; its whole tagged reply as text.
    private async Task<string> CommandAsync(string command, CancellationToken cancellationToken)
    {
        _reply = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        Send(Encoding.UTF8.GetBytes($"s{++_signInTag} {command}\r\n"));
        var closed = Completion.ContinueWith(_ => "", TaskScheduler.Default);
        var first = await Task.WhenAny(_reply.Task, closed).WaitAsync(cancellationToken).ConfigureAwait(false);
        return first == closed ? throw new IOException($"the server closed the connection ({CloseReason ?? "no reason given"})") : await _reply.Task.ConfigureAwait(false);
    }

    public override Task JoinGroupAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void SendToGroup(int number, ReadOnlySpan<byte> body) => SendMail("ALL"u8, number, body);

    public override void SendTo(string name, int number, ReadOnlySpan<byte> body)
    {
        Span<byte> to = stackalloc byte[80];
        if (!Utf8.TryWrite(to, CultureInfo.InvariantCulture, $"TO {name}", out int length))
        {
            throw new ArgumentException($"name too long: {name}");
        }

        SendMail(to[..length], number, body);
    }

    // m<number> SEND <recipients> SUBJECT f<number> BODY {size}CRLF <body> CRLF, in one write.
    private void SendMail(ReadOnlySpan<byte> recipients, int number, ReadOnlySpan<byte> body)
    {
        byte[] frame = ArrayPool<byte>.Shared.Rent(160 + recipients.Length + body.Length);
        try
        {
            var span = frame.AsSpan();
            if (!Utf8.TryWrite(span, CultureInfo.InvariantCulture, $"m{number} SEND ", out int length))
            {
                throw new InvalidOperationException("the frame buffer is too small");
            }

            recipients.CopyTo(span[length..]);
            length += recipients.Length;
            Utf8.TryWrite(span[length..], CultureInfo.InvariantCulture, $" SUBJECT f{number} BODY {{{body.Length}}}\r\n", out int more);
            length += more;
            body.CopyTo(span[length..]);
            length += body.Length;
            "\r\n"u8.CopyTo(span[length..]);
            Send(span[..(length + 2)]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    public override void KeepAliveIfIdle()
    {
        // As the .NET client does: a NOOP when nothing was sent for a third of the idle timeout.
        if (Stopwatch.GetElapsedTime(LastSent) > TimeSpan.FromSeconds(IdleSeconds / 3.0))
        {
            Send("k NOOP\r\n"u8);
        }
    }

    protected override long OnLine(ReadOnlySpan<byte> line, long receivedAt)
    {
        if (line.IsEmpty)
        {
            return 0;
        }

        if (line.StartsWith("* "u8))
        {
            if (line.StartsWith("* MAIL "u8))
            {
                if (Received is { } received)
                {
                    int at = line.IndexOf(SubjectKey);
                    if (at >= 0 && MessageText.TryNumberAt(line, at + SubjectKey.Length, out int number))
                    {
                        received(number, receivedAt);
                    }
                }
            }
            else if (line.StartsWith("* HELLO "u8))
            {
                int at = line.IndexOf("\"idleSeconds\":"u8);
                if (at >= 0 && MessageText.TryNumberAt(line, at + "\"idleSeconds\":".Length, out int seconds))
                {
                    IdleSeconds = seconds;
                }

                _hello.TrySetResult();
            }
            else if (line.StartsWith("* BYE "u8))
            {
                CloseReason = Encoding.UTF8.GetString(line[6..]);
            }

            return LiteralLength(line);
        }

        switch (line[0])
        {
            case (byte)'m':
                int space = line.IndexOf((byte)' ');
                if (space > 1 && Utf8Parser.TryParse(line[1..space], out int sent, out _))
                {
                    if (line[(space + 1)..].StartsWith("OK"u8))
                    {
                        Acknowledged?.Invoke(sent, receivedAt);
                    }
                    else
                    {
                        Refused++;
                        if (Refused <= 3)
                        {
                            Console.Error.WriteLine($"native: send refused: {Encoding.UTF8.GetString(line)}");
                        }
                    }
                }

                break;
            case (byte)'s':
                _reply.TrySetResult(Encoding.UTF8.GetString(line));
                break;
        }

        return LiteralLength(line);
    }

    // "… {123}" at the end of a line announces 123 raw bytes after it; a JSON object never ends so.
    private static long LiteralLength(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty || line[^1] != '}')
        {
            return 0;
        }

        int open = line.LastIndexOf((byte)'{');
        var digits = open < 0 ? default : line[(open + 1)..^1];
        return !digits.IsEmpty && digits.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0 && Utf8Parser.TryParse(digits, out long n, out _) ? n : 0;
    }
}
