using System.Net.Sockets;

namespace Carteiro.Benchmarks.Live;

/// <summary>
/// A signed-in connection as the live scenarios see it, whatever the protocol: it can send a
/// numbered message to the group (everyone) or to one name, and reports each numbered message it
/// receives, and each acknowledgement of its own sends, with the time the bytes arrived.
/// </summary>
internal abstract class LiveConnection(Socket socket, int bufferSize) : LineConnection(socket, bufferSize)
{
    /// <summary>A message's number and the <see cref="System.Diagnostics.Stopwatch"/> timestamp it arrived at.</summary>
    public Action<int, long>? Received { get; set; }

    /// <summary>
    /// The server answered a send of this number as done (the native protocol, after its commit);
    /// never called for IRC, which does not answer PRIVMSG.
    /// </summary>
    public Action<int, long>? Acknowledged { get; set; }

    /// <summary>Sends the server refused (a NO or BAD to a send).</summary>
    public int Refused { get; protected set; }

    /// <summary>Becomes a member of the group that <see cref="SendToGroup"/> reaches (IRC: JOIN; native: everyone already is).</summary>
    public abstract Task JoinGroupAsync(CancellationToken cancellationToken);

    /// <summary>Sends message <paramref name="number"/> to the whole group, without waiting for any answer.</summary>
    public abstract void SendToGroup(int number, ReadOnlySpan<byte> body);

    /// <summary>Sends message <paramref name="number"/> to one user, without waiting for any answer.</summary>
    public abstract void SendTo(string name, int number, ReadOnlySpan<byte> body);

    /// <summary>Whatever the protocol needs so an idle client is not dropped (the native NOOP); IRC answers PING as it comes.</summary>
    public abstract void KeepAliveIfIdle();
}
