using System.Net;
using Carteiro.Protocols.Common;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace Carteiro.Protocols.Smtp;

/// <summary>
/// The SMTP submission door on Kestrel (RFC 6409; implicit TLS per RFC 8314 on its own listener):
/// one <see cref="SmtpSession"/> per connection, no thread per connection.
/// </summary>
public sealed class SmtpConnectionHandler(MailDoorServices services)
{
    private readonly ILogger _logger = services.Loggers.CreateLogger("Carteiro.Smtp");

    /// <summary>Runs one connection; <paramref name="implicitTls"/> starts it with a TLS handshake.</summary>
    public async Task HandleAsync(ConnectionContext connection, bool implicitTls)
    {
        var address = (connection.RemoteEndPoint as IPEndPoint)?.Address;
        if (!services.Limiter.TryAcquire(address))
        {
            MailDoorLog.TooManyConnections(_logger, "SMTP", address?.ToString() ?? "?");
            if (!implicitTls)
            {
                await connection.Transport.Output.WriteAsync("421 4.7.0 Too many connections from your address, try again later\r\n"u8.ToArray()).ConfigureAwait(false);
            }

            await connection.Transport.Output.CompleteAsync().ConfigureAwait(false);
            return;
        }

        try
        {
            await using var session = new SmtpSession(connection, services, _logger, implicitTls);
            await session.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            services.Limiter.Release(address);
        }
    }
}
