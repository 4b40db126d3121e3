using System.Globalization;
using Carteiro.Core;
using Carteiro.Core.Accounts;
using Carteiro.Protocols.Common;

namespace Carteiro.Protocols.Smtp;

internal sealed partial class SmtpSession
{
    protected override Task HandleLineAsync(string line)
    {
        if (_authentication is not null)
        {
            return ContinueAuthenticationAsync(line);
        }

        int space = line.IndexOf(' ', StringComparison.Ordinal);
        string verb = (space < 0 ? line : line[..space]).ToUpperInvariant();
        string argument = space < 0 ? "" : line[(space + 1)..].Trim();
        switch (verb)
        {
            case "EHLO":
                Hello(argument, extended: true);
                break;
            case "HELO":
                Hello(argument, extended: false);
                break;
            case "STARTTLS":
                StartTls(argument);
                break;
            case "AUTH":
                return AuthenticateAsync(argument);
            case "MAIL":
                Mail(argument);
                break;
            case "RCPT":
                return RecipientAsync(argument);
            case "DATA":
                Data(argument);
                break;
            case "BDAT":
                Chunk(argument);
                break;
            case "RSET":
                ResetTransaction();
                Reply("250 2.0.0 Ok");
                break;
            case "NOOP":
                Reply("250 2.0.0 Ok");
                break;
            case "QUIT":
                Reply($"221 2.0.0 {Domain} Bye");
                CloseReason = "quit";
                break;
            case "VRFY":
                Reply("252 2.5.2 Cannot verify users; send the message and it will be delivered or refused");
                break;
            case "HELP":
                Reply("214 2.0.0 Carteiro mail submission: EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA, BDAT, RSET, NOOP, VRFY, QUIT");
                break;
            case "":
                Error("500 5.5.2 Empty command");
                break;
            default:
                Error($"500 5.5.1 Command not recognized: {Printable(verb)}");
                break;
        }

        return Task.CompletedTask;
    }

    private void Hello(string argument, bool extended)
    {
        if (argument.Length == 0)
        {
            Error($"501 5.5.4 Syntax: {(extended ? "EHLO" : "HELO")} your-host-name");
            return;
        }

        _clientName = argument;
        ResetTransaction();
        if (!extended)
        {
            Reply($"250 {Domain}");
            return;
        }

        var lines = new List<string>
        {
            $"{Domain} greets {Printable(argument)}",
            "PIPELINING",
            $"SIZE {Services.Options.MaxMessageSize.ToString(CultureInfo.InvariantCulture)}",
            "8BITMIME",
            "SMTPUTF8",
            "ENHANCEDSTATUSCODES",
            "CHUNKING",
        };
        if (Services.Tls is not null && !Secure)
        {
            lines.Add("STARTTLS");
        }

        if (MaySignIn && _account is null)
        {
            lines.Add("AUTH PLAIN LOGIN");
        }

        for (int i = 0; i < lines.Count; i++)
        {
            Reply((i == lines.Count - 1 ? "250 " : "250-") + lines[i]);
        }
    }

    private void StartTls(string argument)
    {
        if (argument.Length > 0)
        {
            Error("501 5.5.4 STARTTLS takes no argument");
        }
        else if (Services.Tls is null)
        {
            Error("454 4.7.0 TLS is not available: the server has no certificate");
        }
        else if (Secure)
        {
            Error("503 5.5.1 TLS is already active");
        }
        else
        {
            Reply("220 2.0.0 Ready to start TLS");
            StartTlsRequested = true;
        }
    }

    private void Mail(string argument)
    {
        if (_clientName is null)
        {
            Error("503 5.5.1 Say EHLO first");
            return;
        }

        if (_account is not { } account)
        {
            Error(MaySignIn ? "530 5.7.0 Authentication required" : "530 5.7.0 Must issue a STARTTLS command first");
            return;
        }

        if (_inTransaction)
        {
            Error("503 5.5.1 Nested MAIL command: send RSET or finish the message first");
            return;
        }

        if (!TryPath(argument, "FROM:", out string address, out string parameters))
        {
            Error("501 5.5.4 Syntax: MAIL FROM:<address> [SIZE=n] [BODY=8BITMIME] [SMTPUTF8]");
            return;
        }

        foreach (string parameter in parameters.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int equals = parameter.IndexOf('=', StringComparison.Ordinal);
            string key = (equals < 0 ? parameter : parameter[..equals]).ToUpperInvariant();
            string value = equals < 0 ? "" : parameter[(equals + 1)..];
            switch (key)
            {
                case "SIZE" when long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long size):
                    if (size > Services.Options.MaxMessageSize)
                    {
                        Error($"552 5.3.4 Message too big: the limit is {Services.Options.MaxMessageSize} bytes");
                        return;
                    }

                    break;
                case "BODY" when value.ToUpperInvariant() is "7BIT" or "8BITMIME":
                case "SMTPUTF8" when value.Length == 0:
                case "AUTH":
                    break;
                default:
                    Error($"555 5.5.4 Unsupported MAIL parameter: {Printable(parameter)}");
                    return;
            }
        }

        // The sender is the signed-in user; a submission server never sends as someone else.
        string own = MailAddresses.Of(account.Name, Domain);
        if (address.Length > 0 && !string.Equals(address, own, StringComparison.OrdinalIgnoreCase))
        {
            Error($"553 5.7.1 <{Printable(address)}>: you may send only as {own}");
            return;
        }

        _inTransaction = true;
        Reply("250 2.1.0 Ok");
    }

    private async Task RecipientAsync(string argument)
    {
        if (!_inTransaction || _account is not { } account)
        {
            Error("503 5.5.1 Need MAIL before RCPT");
            return;
        }

        if (!TryPath(argument, "TO:", out string address, out _))
        {
            Error("501 5.5.4 Syntax: RCPT TO:<address>");
            return;
        }

        if (!MailAddresses.TryLocalName(address, Domain, out string name))
        {
            // Never an open relay: only this server's users receive.
            Error($"550 5.1.1 <{Printable(address)}>: not a user of this server ({Domain}); this server does not relay");
            return;
        }

        if (_recipients.Count >= Services.Options.MaxRecipients)
        {
            Reply($"452 4.5.3 Too many recipients: the limit is {Services.Options.MaxRecipients}");
            return;
        }

        if (string.Equals(name, UserName.Everyone, StringComparison.OrdinalIgnoreCase))
        {
            if (Services.Options.Broadcast == BroadcastPolicy.Admins && !account.IsAdmin)
            {
                Error($"550 5.7.1 <{Printable(address)}>: only admins may send to everyone on this server");
                return;
            }
        }
        else if (!await Services.Mail.IsUserAsync(name, Closing).ConfigureAwait(false))
        {
            Error($"550 5.1.1 <{Printable(address)}>: no such user here");
            return;
        }

        if (!_recipients.Contains(name, StringComparer.OrdinalIgnoreCase))
        {
            _recipients.Add(name);
        }

        Reply("250 2.1.5 Ok");
    }

    private void ResetTransaction()
    {
        _inTransaction = false;
        _recipients.Clear();
        _message.Reset();
        _receiving = Receiving.Commands;
        _tooLarge = false;
        _chunkFailed = false;
    }

    // "FROM:<a@b> PARAMS" -> the address between the brackets and the parameters after them.
    private static bool TryPath(string argument, string prefix, out string address, out string parameters)
    {
        address = "";
        parameters = "";
        if (!argument.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        string rest = argument[prefix.Length..].TrimStart();
        if (!rest.StartsWith('<'))
        {
            return false;
        }

        int close = rest.IndexOf('>', StringComparison.Ordinal);
        if (close < 0)
        {
            return false;
        }

        address = rest[1..close].Trim();

        // A source route (@a,@b:user@host) is obsolete; the mailbox is after the colon.
        int colon = address.LastIndexOf(':');
        if (address.StartsWith('@') && colon > 0)
        {
            address = address[(colon + 1)..];
        }

        parameters = rest[(close + 1)..].Trim();
        return true;
    }
}
