using System.Globalization;
using Carteiro.Core.Accounts;
using Carteiro.Core.Errors;
using Carteiro.Core.Mailboxes;
using Carteiro.Core.Storage;
using Carteiro.Protocols.Common;

namespace Carteiro.Protocols.Pop3;

internal sealed partial class Pop3Session
{
    protected override Task HandleLineAsync(string line)
    {
        if (_awaitingPlain)
        {
            _awaitingPlain = false;
            return line == "*" ? Refuse("-ERR authentication cancelled") : SignInPlainAsync(line);
        }

        int space = line.IndexOf(' ', StringComparison.Ordinal);
        string verb = (space < 0 ? line : line[..space]).ToUpperInvariant();
        string argument = space < 0 ? "" : line[(space + 1)..].Trim();
        if (verb == "CAPA")
        {
            Capabilities();
            return Task.CompletedTask;
        }

        if (verb == "QUIT")
        {
            return QuitAsync();
        }

        if (verb == "NOOP" && _maildrop is not null)
        {
            Reply("+OK");
            return Task.CompletedTask;
        }

        return _maildrop is null ? AuthorizationAsync(verb, argument) : TransactionAsync(verb, argument);
    }

    private void Capabilities()
    {
        Reply("+OK capabilities follow");
        Reply("TOP");
        Reply("UIDL");
        Reply("RESP-CODES");
        Reply("PIPELINING");
        Reply("AUTH-RESP-CODE");
        if (_maildrop is null && MaySignIn)
        {
            Reply("USER");
            Reply("SASL PLAIN");
        }

        if (_maildrop is null && Services.Tls is not null && !Secure)
        {
            Reply("STLS");
        }

        Reply("IMPLEMENTATION Carteiro");
        Reply(".");
    }

    private Task AuthorizationAsync(string verb, string argument)
    {
        switch (verb)
        {
            case "STLS" when Services.Tls is null:
                return Refuse("-ERR TLS is not available: the server has no certificate");
            case "STLS" when Secure:
                return Refuse("-ERR TLS is already active");
            case "STLS":
                Reply("+OK begin TLS negotiation");
                StartTlsRequested = true;
                return Task.CompletedTask;
            case "USER" or "PASS" or "AUTH" when !MaySignIn:
                return Refuse("-ERR [AUTH] passwords are taken only over TLS here: use STLS first");
            case "USER" when argument.Length == 0:
                return Refuse("-ERR USER needs a name");
            case "USER":
                _user = argument;
                Reply("+OK now PASS");
                return Task.CompletedTask;
            case "PASS" when _user is null:
                return Refuse("-ERR USER first");
            case "PASS":
                string user = _user;
                _user = null;
                return SignInWithPasswordAsync(user, argument);
            case "AUTH" when argument.Length == 0:
                Reply("+OK mechanisms follow");
                Reply("PLAIN");
                Reply(".");
                return Task.CompletedTask;
            case "AUTH":
                int space = argument.IndexOf(' ', StringComparison.Ordinal);
                string mechanism = (space < 0 ? argument : argument[..space]).ToUpperInvariant();
                if (mechanism != "PLAIN")
                {
                    return Refuse($"-ERR unsupported mechanism {Printable(mechanism)}: PLAIN is offered");
                }

                if (space < 0)
                {
                    _awaitingPlain = true;
                    Reply("+ ");
                    return Task.CompletedTask;
                }

                return SignInPlainAsync(argument[(space + 1)..].Trim());
            default:
                return Refuse($"-ERR {(verb.Length == 0 ? "empty command" : $"unknown command {Printable(verb)}")} (sign in first: USER and PASS, or AUTH PLAIN)");
        }
    }

    private Task SignInPlainAsync(string base64)
    {
        if (!SaslAnswer.TryDecode(base64, out byte[] answer))
        {
            return Refuse("-ERR the answer must be base64");
        }

        if (!SaslAnswer.TryParsePlain(answer, out string authorizationId, out string user, out string password))
        {
            return Refuse("-ERR PLAIN expects authorization-id NUL user NUL password");
        }

        return ActsAsSelf(authorizationId, user) ? SignInWithPasswordAsync(user, password) : Refuse("-ERR [AUTH] you may act only as yourself");
    }

    private async Task SignInWithPasswordAsync(string user, string password)
    {
        var outcome = await SignInAsync(user, password).ConfigureAwait(false);
        if (outcome.Account is not { } account)
        {
            Error(outcome.RetryAfterSeconds is int seconds
                ? $"-ERR [SYS/TEMP] too many failed sign-ins: try again in {seconds} seconds"
                : "-ERR [AUTH] authentication failed");
            return;
        }

        if (!door.TryLock(account.Id))
        {
            Error("-ERR [IN-USE] the maildrop is open in another POP3 session");
            return;
        }

        _account = account;
        _maildrop = await LoadMaildropAsync(account).ConfigureAwait(false);
        Reply($"+OK {account.Name}'s maildrop has {_maildrop.Live} messages ({_maildrop.LiveSize} octets)");
    }

    // The whole Inbox, oldest first, in few fields.
    private async Task<Maildrop> LoadMaildropAsync(Account account)
    {
        var inbox = await Services.Mail.EntriesAsync(account, FolderNames.Inbox, Closing).ConfigureAwait(false);
        return new Maildrop(inbox.Folder.UidValidity, inbox.Entries);
    }

    private Task TransactionAsync(string verb, string argument)
    {
        var maildrop = _maildrop!;
        switch (verb)
        {
            case "STAT":
                Reply($"+OK {maildrop.Live} {maildrop.LiveSize}");
                return Task.CompletedTask;
            case "LIST" or "UIDL" when argument.Length == 0:
                Reply($"+OK {maildrop.Live} messages");
                foreach (var (number, message) in maildrop.Listing())
                {
                    Reply(verb == "LIST" ? $"{number} {message.Size}" : $"{number} {maildrop.UniqueId(message)}");
                }

                Reply(".");
                return Task.CompletedTask;
            case "LIST" or "UIDL":
                return TryMessage(argument, out int listed, out var one)
                    ? Ok(verb == "LIST" ? $"+OK {listed} {one.Size}" : $"+OK {listed} {maildrop.UniqueId(one)}")
                    : Task.CompletedTask;
            case "RETR":
                return TryMessage(argument, out _, out var retrieved) ? SendMessageAsync(retrieved, int.MaxValue) : Task.CompletedTask;
            case "TOP":
                string[] parts = argument.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length != 2 || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int lines))
                {
                    return Refuse("-ERR syntax: TOP message lines");
                }

                return TryMessage(parts[0], out _, out var top) ? SendMessageAsync(top, lines) : Task.CompletedTask;
            case "DELE":
                if (TryMessage(argument, out int deleted, out _))
                {
                    maildrop.MarkDeleted(deleted);
                    Reply($"+OK message {deleted} deleted");
                }

                return Task.CompletedTask;
            case "RSET":
                maildrop.Unmark();
                Reply($"+OK maildrop has {maildrop.Live} messages ({maildrop.LiveSize} octets)");
                return Task.CompletedTask;
            case "USER" or "PASS" or "AUTH" or "STLS":
                return Refuse("-ERR already signed in");
            default:
                return Refuse($"-ERR unknown command {Printable(verb)}");
        }
    }

    private bool TryMessage(string argument, out int number, out FolderEntry message)
    {
        message = default;
        if (!int.TryParse(argument, NumberStyles.None, CultureInfo.InvariantCulture, out number))
        {
            Error("-ERR give a message number");
            return false;
        }

        if (!_maildrop!.TryGet(number, out message))
        {
            Error($"-ERR no message {number} (or it is marked deleted)");
            return false;
        }

        return true;
    }

    // The stored document, dot-stuffed; with a line count (TOP), the header and that many body lines.
    private async Task SendMessageAsync(FolderEntry message, int bodyLines)
    {
        var account = _account!;
        byte[] document;
        try
        {
            document = await Services.Mail.RawAsync(account, message.Id, Closing).ConfigureAwait(false);
        }
        catch (CarteiroException gone) when (gone.Code == ErrorCode.NoSuchMessage)
        {
            Error("-ERR that message was deleted from another device");
            return;
        }

        Reply($"+OK {document.Length} octets");
        await MessageLines.WriteDotStuffedAsync(Output, document, bodyLines, Closing).ConfigureAwait(false);
        Reply(".");

        if (bodyLines == int.MaxValue && (message.Flags & MessageFlags.Seen) == 0)
        {
            await Services.Mail.SetFlagsAsync(account, message.Id, MessageFlags.Seen, MessageFlags.None, Closing).ConfigureAwait(false);
        }
    }

    private async Task QuitAsync()
    {
        if (_maildrop is null || _account is null)
        {
            Reply($"+OK {Domain} Carteiro POP3 says goodbye");
            CloseReason = "quit";
            return;
        }

        // The UPDATE state (RFC 1939 section 6): what was marked goes now, for good.
        int removed = 0;
        foreach (var message in _maildrop.Marked())
        {
            try
            {
                await Services.Mail.DeleteAsync(_account, message.Id, purge: true, Closing).ConfigureAwait(false);
                removed++;
            }
            catch (CarteiroException gone) when (gone.Code == ErrorCode.NoSuchMessage)
            {
                // Already deleted elsewhere: the goal is met.
                removed++;
            }
        }

        Reply($"+OK {Domain} Carteiro POP3 says goodbye ({removed} messages deleted)");
        CloseReason = "quit";
    }

    private Task Refuse(string line)
    {
        Error(line);
        return Task.CompletedTask;
    }

    private Task Ok(string line)
    {
        Reply(line);
        return Task.CompletedTask;
    }

}
