using System.Net.Sockets;
using System.Text;

namespace Carteiro.Web.Tests.Support;

/// <summary>HTTP/1.1 by hand over a socket, for requests HttpClient will not make (a body that never finishes).</summary>
public sealed class RawHttp : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;

    private RawHttp(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: false);
    }

    public static async Task<RawHttp> ConnectAsync(Uri httpBase)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(httpBase.Host, httpBase.Port);
        return new RawHttp(socket);
    }

    /// <summary>Writes bytes; false when the server has already closed or reset the connection.</summary>
    public async Task<bool> TryWriteAsync(byte[] bytes)
    {
        try
        {
            await _stream.WriteAsync(bytes);
            await _stream.FlushAsync();
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public Task<bool> TryWriteAsync(string text) => TryWriteAsync(Encoding.ASCII.GetBytes(text));

    /// <summary>Reads the status line, headers and as much body as arrives (up to Content-Length) within the timeout.</summary>
    public async Task<(int Status, string Head, string Body)> ReadResponseAsync(TimeSpan timeout)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cancel.CancelAfter(timeout);
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            while (true)
            {
                int read;
                try
                {
                    read = await _stream.ReadAsync(chunk, cancel.Token);
                }
                catch (IOException) when (buffer.Length > 0)
                {
                    break;
                }

                if (read == 0)
                {
                    break;
                }

                buffer.Write(chunk, 0, read);
                string text = Encoding.UTF8.GetString(buffer.ToArray());
                int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                if (end >= 0)
                {
                    string head = text[..end];
                    var length = head.Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
                    int want = length is null ? 0 : int.Parse(length["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                    if (Encoding.UTF8.GetByteCount(text[(end + 4)..]) >= want)
                    {
                        break;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no complete answer within {timeout.TotalSeconds} s; got: {Encoding.UTF8.GetString(buffer.ToArray())}");
        }

        string all = Encoding.UTF8.GetString(buffer.ToArray());
        int split = all.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (split < 0)
        {
            throw new Xunit.Sdk.XunitException($"no HTTP answer; got: {all}");
        }

        string statusLine = all[..all.IndexOf("\r\n", StringComparison.Ordinal)];
        int status = int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        return (status, all[..split], all[(split + 4)..]);
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _socket.Dispose();
    }
}
