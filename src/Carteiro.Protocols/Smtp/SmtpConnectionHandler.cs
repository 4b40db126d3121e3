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
    private static readonly byte[] TooManyConnections = "421 4.7.0 Too many connections from your address, try again later\r\n"u8.ToArray();
    private readonly ILogger _logger = services.Loggers.CreateLogger("Carteiro.Smtp");

    /// <summary>Runs one connection; <paramref name="implicitTls"/> starts it with a TLS handshake.</summary>
    public Task HandleAsync(ConnectionContext connection, bool implicitTls) =>
        TextSession.RunLimitedAsync(connection, services, _logger, "SMTP", TooManyConnections,
            implicitTls, () => new SmtpSession(connection, services, _logger, implicitTls));
}
