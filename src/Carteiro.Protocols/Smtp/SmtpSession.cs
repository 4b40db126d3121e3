using Carteiro.Core.Accounts;
using Carteiro.Protocols.Common;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace Carteiro.Protocols.Smtp;

/// <summary>
/// One SMTP submission connection (RFC 5321, 6409): greeting, sign-in, and mail transactions whose
/// messages go to <see cref="Core.Delivery.MailService.SubmitAsync"/>. Lines, TLS, limits and
/// deadlines are <see cref="TextSession"/>'s.
/// </summary>
internal sealed partial class SmtpSession(ConnectionContext connection, MailDoorServices services, ILogger logger, bool implicitTls)
    : TextSession(connection, services, logger, "SMTP", implicitTls)
{
    private readonly List<string> _recipients = [];
    private readonly PooledBuffer _message = new();

    // The conversation's state: greeting, sign-in, and the transaction under way.
    private string? _clientName;
    private Account? _account;
    private bool _inTransaction;

    protected override bool SignedIn => _account is not null;

    protected override string LineTooLongReply => $"500 5.5.2 Line too long: the limit is {MailDoorServices.MaxCommandLength} characters";

    protected override string TooManyErrorsReply => $"421 4.7.0 {Domain} Too many errors, closing the connection";

    protected override void WriteGreeting() => Reply($"220 {Domain} ESMTP Carteiro ready");

    protected override string? Farewell(string reason) => reason switch
    {
        "sign-in-timeout" or "idle-timeout" => $"421 4.4.2 {Domain} Timeout, closing the connection",
        "shutting-down" => $"421 4.3.2 {Domain} Shutting down, try again later",
        _ => null,
    };

    protected override void OnTlsStarted()
    {
        _clientName = null;
        _account = null;
        ResetTransaction();
    }

    public override async ValueTask DisposeAsync()
    {
        _message.Dispose();
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
