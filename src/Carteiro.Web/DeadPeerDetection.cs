using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Carteiro.Web;

/// <summary>
/// Lets the kernel find HTTP peers that vanished without closing (laptop lid shut, network gone):
/// TCP keepalive probes an idle connection, and TCP_USER_TIMEOUT drops one whose sent data stays
/// unacknowledged. With the event stream's 15 s pings, a browser that disappears is offline within
/// about 45 s instead of the ~15 minutes TCP retransmission would take.
/// </summary>
public static class DeadPeerDetection
{
    private const int TcpUserTimeoutOption = 18;
    private static readonly TimeSpan UnacknowledgedLimit = TimeSpan.FromSeconds(30);

    /// <summary>Applies the socket options to every connection accepted on <paramref name="listen"/>.</summary>
    public static void Apply(ListenOptions listen) => listen.Use(next => connection =>
    {
        if (connection.Features.Get<IConnectionSocketFeature>()?.Socket is { } socket)
        {
            Configure(socket);
        }

        return next(connection);
    });

    private static void Configure(Socket socket)
    {
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, 30);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, 5);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, 3);
            if (OperatingSystem.IsLinux())
            {
                socket.SetRawSocketOption((int)ProtocolType.Tcp, TcpUserTimeoutOption, BitConverter.GetBytes((int)UnacknowledgedLimit.TotalMilliseconds));
            }
        }
        catch (SocketException)
        {
            // An option the platform lacks only costs the faster detection.
        }
    }
}
