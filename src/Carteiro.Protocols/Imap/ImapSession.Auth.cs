using Carteiro.Protocols.Common;

namespace Carteiro.Protocols.Imap;

internal sealed partial class ImapSession
{
    // Set while AUTHENTICATE waits for the client's answer to "+ ".
    private string? _saslTag;

    private Task LoginAsync(string tag, ImapArguments arguments)
    {
        string user = arguments.AString("a user name");
        string password = arguments.AString("a password");
        arguments.End();
        if (!MaySignIn)
        {
            Tagged(tag, "NO [PRIVACYREQUIRED] passwords are taken only over TLS here: use STARTTLS first", error: true);
            return Task.CompletedTask;
        }

        return SignInWithPasswordAsync(tag, user, password);
    }

    // AUTHENTICATE PLAIN, with the answer on the same line (SASL-IR, RFC 4959) or after "+ ".
    private Task AuthenticateAsync(string tag, ImapArguments arguments)
    {
        string mechanism = arguments.RequiredWord("a SASL mechanism").ToUpperInvariant();
        string initial = arguments.AtEnd ? "" : arguments.RequiredWord("an initial response");
        arguments.End();
        if (mechanism != "PLAIN")
        {
            Tagged(tag, $"NO [CANNOT] only AUTHENTICATE PLAIN is offered, not {ImapArguments.Printable(mechanism)}", error: true);
            return Task.CompletedTask;
        }

        if (!MaySignIn)
        {
            Tagged(tag, "NO [PRIVACYREQUIRED] passwords are taken only over TLS here: use STARTTLS first", error: true);
            return Task.CompletedTask;
        }

        if (initial.Length == 0)
        {
            _saslTag = tag;
            Reply("+ ");
            return Task.CompletedTask;
        }

        return SignInPlainAsync(tag, initial);
    }

    private Task ContinueAuthenticateAsync(string line)
    {
        string tag = _saslTag!;
        _saslTag = null;
        if (line == "*")
        {
            Tagged(tag, "BAD authentication cancelled");
            return Task.CompletedTask;
        }

        return SignInPlainAsync(tag, line);
    }

    private Task SignInPlainAsync(string tag, string base64)
    {
        if (!SaslAnswer.TryDecode(base64, out byte[] answer))
        {
            Tagged(tag, "BAD the answer must be base64", error: true);
            return Task.CompletedTask;
        }

        if (!SaslAnswer.TryParsePlain(answer, out string authorizationId, out string user, out string password))
        {
            Tagged(tag, "BAD PLAIN expects authorization-id NUL user NUL password", error: true);
            return Task.CompletedTask;
        }

        if (!ActsAsSelf(authorizationId, user))
        {
            Tagged(tag, "NO [AUTHORIZATIONFAILED] you may act only as yourself", error: true);
            return Task.CompletedTask;
        }

        return SignInWithPasswordAsync(tag, user, password);
    }

    private async Task SignInWithPasswordAsync(string tag, string user, string password)
    {
        var outcome = await SignInAsync(user, password).ConfigureAwait(false);
        if (outcome.Account is not { } account)
        {
            Tagged(tag, outcome.RetryAfterSeconds is int seconds
                ? $"NO [UNAVAILABLE] too many failed sign-ins: try again in {seconds} seconds"
                : "NO [AUTHENTICATIONFAILED] authentication failed", error: true);
            return;
        }

        _account = account;
        Services.Hub.Watch(this);
        _joinedHub = true;
        Tagged(tag, $"OK [CAPABILITY {Capabilities()}] signed in as {account.Name}@{Domain}");
    }
}
