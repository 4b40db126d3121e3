using Carteiro.Core.Accounts;
using Carteiro.Protocols.Common;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace Carteiro.Protocols.Pop3;

/// <summary>
/// One POP3 connection (RFC 1939 with CAPA, RESP-CODES and PIPELINING from RFC 2449, SASL PLAIN
/// from RFC 5034, STLS from RFC 2595). The maildrop is the Inbox as it stood at sign-in; messages
/// marked with DELE are deleted for good only when the client says QUIT.
/// </summary>
internal sealed partial class Pop3Session(ConnectionContext connection, MailDoorServices services, ILogger logger, bool implicitTls, Pop3ConnectionHandler door)
    : TextSession(connection, services, logger, "POP3", implicitTls)
{
    private string? _user;
    private Account? _account;
    private Maildrop? _maildrop;
    private bool _awaitingPlain;

    protected override bool SignedIn => _account is not null;

    protected override string LineTooLongReply => $"-ERR line too long: the limit is {MailDoorServices.MaxCommandLength} characters";

    protected override string TooManyErrorsReply => "-ERR too many errors, closing the connection";

    protected override void WriteGreeting() => Reply($"+OK {Domain} Carteiro POP3 ready");

    protected override string? Farewell(string reason) => reason switch
    {
        "sign-in-timeout" or "idle-timeout" => "-ERR timeout, closing the connection",
        "shutting-down" => "-ERR [SYS/TEMP] the server is shutting down, try again later",
        _ => null,
    };

    protected override void OnTlsStarted()
    {
        _user = null;
        _awaitingPlain = false;
    }

    public override async ValueTask DisposeAsync()
    {
        // A session that ends without QUIT deletes nothing (RFC 1939 section 6).
        if (_account is not null)
        {
            door.Unlock(_account.Id);
        }

        await base.DisposeAsync().ConfigureAwait(false);
    }
}
