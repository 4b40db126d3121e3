using Carteiro.Protocols.Common;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace Carteiro.Protocols.Imap;

/// <summary>
/// The IMAP door on Kestrel (RFC 3501; STARTTLS per RFC 2595, implicit TLS on its own listener
/// per RFC 8314): one <see cref="ImapSession"/> per connection.
/// </summary>
public sealed class ImapConnectionHandler(MailDoorServices services)
{
    private static readonly byte[] TooManyConnections = "* BYE [UNAVAILABLE] too many connections from your address, try again later\r\n"u8.ToArray();
    private readonly ILogger _logger = services.Loggers.CreateLogger("Carteiro.Imap");

    /// <summary>Runs one connection; <paramref name="implicitTls"/> starts it with a TLS handshake.</summary>
    public Task HandleAsync(ConnectionContext connection, bool implicitTls) =>
        TextSession.RunLimitedAsync(connection, services, _logger, "IMAP", TooManyConnections,
            implicitTls, () => new ImapSession(connection, services, _logger, implicitTls));
}
