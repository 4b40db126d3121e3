using System.Collections.Concurrent;
using System.Net;
using Carteiro.Protocols.Common;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace Carteiro.Protocols.Pop3;

/// <summary>
/// The POP3 door on Kestrel (RFC 1939; STLS per RFC 2595, implicit TLS on its own listener):
/// one <see cref="Pop3Session"/> per connection. Holds the maildrop locks: one POP3 session per
/// account at a time, as RFC 1939 asks, so two clients never number the same maildrop differently.
/// </summary>
public sealed class Pop3ConnectionHandler(MailDoorServices services)
{
    private readonly ILogger _logger = services.Loggers.CreateLogger("Carteiro.Pop3");
    private readonly ConcurrentDictionary<long, byte> _locked = new();

    /// <summary>Runs one connection; <paramref name="implicitTls"/> starts it with a TLS handshake.</summary>
    public async Task HandleAsync(ConnectionContext connection, bool implicitTls)
    {
        var address = (connection.RemoteEndPoint as IPEndPoint)?.Address;
        if (!services.Limiter.TryAcquire(address))
        {
            MailDoorLog.TooManyConnections(_logger, "POP3", address?.ToString() ?? "?");
            if (!implicitTls)
            {
                await connection.Transport.Output.WriteAsync("-ERR [SYS/TEMP] too many connections from your address, try again later\r\n"u8.ToArray()).ConfigureAwait(false);
            }

            await connection.Transport.Output.CompleteAsync().ConfigureAwait(false);
            return;
        }

        try
        {
            await using var session = new Pop3Session(connection, services, _logger, implicitTls, this);
            await session.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            services.Limiter.Release(address);
        }
    }

    internal bool TryLock(long accountId) => _locked.TryAdd(accountId, 0);

    internal void Unlock(long accountId) => _locked.TryRemove(accountId, out _);
}
