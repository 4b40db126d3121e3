using System.Net;
using Microsoft.AspNetCore.Connections;

namespace Carteiro.Protocols.Native;

/// <summary>
/// The native door on Kestrel: one <see cref="NativeSession"/> per connection, no thread per
/// connection. The task returned here is the connection's lifetime.
/// </summary>
public sealed class NativeConnectionHandler(NativeServices services) : ConnectionHandler
{
    /// <inheritdoc />
    public override async Task OnConnectedAsync(ConnectionContext connection)
    {
        var address = (connection.RemoteEndPoint as IPEndPoint)?.Address;
        if (!services.Limiter.TryAcquire(address))
        {
            services.Logger.TooManyConnections(address?.ToString() ?? "?");
            await connection.Transport.Output.WriteAsync("* BYE {\"reason\":\"too-many-connections\",\"message\":\"too many connections from your address\"}\r\n"u8.ToArray()).ConfigureAwait(false);
            await connection.Transport.Output.CompleteAsync().ConfigureAwait(false);
            return;
        }

        try
        {
            using var session = new NativeSession(connection, services);
            await session.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            services.Limiter.Release(address);
        }
    }
}
