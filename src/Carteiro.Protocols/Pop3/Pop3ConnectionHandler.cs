using System.Collections.Concurrent;
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
    private static readonly byte[] TooManyConnections = "-ERR [SYS/TEMP] too many connections from your address, try again later\r\n"u8.ToArray();
    private readonly ILogger _logger = services.Loggers.CreateLogger("Carteiro.Pop3");
    private readonly ConcurrentDictionary<long, byte> _locked = new();

    /// <summary>Runs one connection; <paramref name="implicitTls"/> starts it with a TLS handshake.</summary>
    public Task HandleAsync(ConnectionContext connection, bool implicitTls) =>
        TextSession.RunLimitedAsync(connection, services, _logger, "POP3", TooManyConnections,
            implicitTls, () => new Pop3Session(connection, services, _logger, implicitTls, this));

    internal bool TryLock(long accountId) => _locked.TryAdd(accountId, 0);

    internal void Unlock(long accountId) => _locked.TryRemove(accountId, out _);
}
