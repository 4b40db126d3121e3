using System.Text;
using Carteiro.Protocols.Common;

namespace Carteiro.Protocols.Smtp;

internal sealed partial class SmtpSession
{
    // A SASL exchange under way (RFC 4954): the next line is the client's answer, not a command.
    private sealed record Authentication(string Mechanism, string? User);

    private Authentication? _authentication;

    private Task AuthenticateAsync(string argument)
    {
        if (_clientName is null)
        {
            Error("503 5.5.1 Say EHLO first");
            return Task.CompletedTask;
        }

        if (_account is not null)
        {
            Error("503 5.5.1 Already authenticated");
            return Task.CompletedTask;
        }

        if (_inTransaction)
        {
            Error("503 5.5.1 AUTH is not allowed during a mail transaction");
            return Task.CompletedTask;
        }

        if (!MaySignIn)
        {
            Error("538 5.7.11 Encryption required for requested authentication mechanism: use STARTTLS first");
            return Task.CompletedTask;
        }

        int space = argument.IndexOf(' ', StringComparison.Ordinal);
        string mechanism = (space < 0 ? argument : argument[..space]).ToUpperInvariant();
        string? initial = space < 0 ? null : argument[(space + 1)..].Trim();
        switch (mechanism)
        {
            case "PLAIN" when initial is null:
                _authentication = new Authentication("PLAIN", null);
                Reply("334 ");
                return Task.CompletedTask;
            case "PLAIN":
                return TryDecode(initial, out byte[] plain) ? SignInPlainAsync(plain) : Task.CompletedTask;
            case "LOGIN" when initial is null:
                _authentication = new Authentication("LOGIN", null);
                Reply("334 VXNlcm5hbWU6");
                return Task.CompletedTask;
            case "LOGIN":
                if (TryDecode(initial, out byte[] user))
                {
                    _authentication = new Authentication("LOGIN", Encoding.UTF8.GetString(user));
                    Reply("334 UGFzc3dvcmQ6");
                }

                return Task.CompletedTask;
            default:
                Error($"504 5.5.4 Unrecognized authentication mechanism: {Printable(mechanism)} (PLAIN and LOGIN are offered)");
                return Task.CompletedTask;
        }
    }

    private Task ContinueAuthenticationAsync(string line)
    {
        var exchange = _authentication!;
        _authentication = null;
        if (line == "*")
        {
            Error("501 5.7.0 Authentication cancelled");
            return Task.CompletedTask;
        }

        if (!TryDecode(line, out byte[] answer))
        {
            return Task.CompletedTask;
        }

        if (exchange.Mechanism == "PLAIN")
        {
            return SignInPlainAsync(answer);
        }

        if (exchange.User is null)
        {
            _authentication = exchange with { User = Encoding.UTF8.GetString(answer) };
            Reply("334 UGFzc3dvcmQ6");
            return Task.CompletedTask;
        }

        return SignInWithPasswordAsync(exchange.User, Encoding.UTF8.GetString(answer));
    }

    // PLAIN: authorization identity, NUL, user, NUL, password (RFC 4616).
    private Task SignInPlainAsync(byte[] answer)
    {
        if (!SaslAnswer.TryParsePlain(answer, out string authorizationId, out string user, out string password))
        {
            Error("501 5.5.2 PLAIN expects authorization-id NUL user NUL password");
            return Task.CompletedTask;
        }

        if (!ActsAsSelf(authorizationId, user))
        {
            Error("535 5.7.8 You may act only as yourself");
            return Task.CompletedTask;
        }

        return SignInWithPasswordAsync(user, password);
    }

    private async Task SignInWithPasswordAsync(string user, string password)
    {
        var outcome = await SignInAsync(user, password).ConfigureAwait(false);
        if (outcome.Account is { } account)
        {
            _account = account;
            Reply("235 2.7.0 Authentication successful");
        }
        else if (outcome.RetryAfterSeconds is int seconds)
        {
            Error($"454 4.7.0 Too many failed sign-ins: try again in {seconds} seconds");
        }
        else
        {
            Error("535 5.7.8 Authentication credentials invalid");
        }
    }

    private bool TryDecode(string text, out byte[] bytes)
    {
        if (SaslAnswer.TryDecode(text, out bytes))
        {
            return true;
        }

        Error("501 5.5.2 Cannot decode the answer: it must be base64");
        return false;
    }
}
