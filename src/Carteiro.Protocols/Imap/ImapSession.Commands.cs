using Carteiro.Core.Errors;
using Carteiro.Protocols.Common;

namespace Carteiro.Protocols.Imap;

internal sealed partial class ImapSession
{
    private static readonly string Version = typeof(ImapSession).Assembly.GetName().Version?.ToString(3) ?? "0";

    private string Capabilities()
    {
        var capabilities = new System.Text.StringBuilder("IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE UIDPLUS UNSELECT CHILDREN SPECIAL-USE MOVE CONDSTORE");
        capabilities.Append(" APPENDLIMIT=").Append(MaxAppend);
        if (_account is null)
        {
            if (Services.Tls is not null && !Secure)
            {
                capabilities.Append(" STARTTLS");
            }

            capabilities.Append(MaySignIn ? " AUTH=PLAIN" : " LOGINDISABLED");
        }

        return capabilities.ToString();
    }

    private async Task RunCommandAsync()
    {
        string tag = CommandTag();
        try
        {
            if (_refusal is not null)
            {
                Tagged(tag, _refusal, error: true);
                return;
            }

            var arguments = new ImapArguments(_lines, _literals);
            string rawTag = arguments.Word();
            if (!IsValidTag(rawTag))
            {
                Error($"* BAD a command starts with a tag, not '{ImapArguments.Printable(rawTag)}'");
                return;
            }

            string command = arguments.Word().ToUpperInvariant();
            if (command.Length == 0)
            {
                Tagged(tag, "BAD a command is expected after the tag", error: true);
                return;
            }

            await DispatchAsync(tag, command, arguments).ConfigureAwait(false);
        }
        catch (ImapSyntaxException bad)
        {
            Tagged(tag, "BAD " + bad.Message, error: true);
        }
        catch (CarteiroException refused)
        {
            Tagged(tag, "NO " + Refusal(refused));
        }
        catch (Exception error) when (error is not (OperationCanceledException or IOException or ObjectDisposedException or Microsoft.AspNetCore.Connections.ConnectionResetException))
        {
            ImapLog.CommandFailed(Logger, CommandName(), UserName, error);
            Tagged(tag, "NO [SERVERBUG] the server failed to do that; it has been logged");
        }
        finally
        {
            ResetCommand();
        }
    }

    private static string Refusal(CarteiroException refused) => refused.Code switch
    {
        ErrorCode.NoSuchFolder => "[NONEXISTENT] " + refused.Message,
        ErrorCode.NameTaken => "[ALREADYEXISTS] " + refused.Message,
        ErrorCode.Forbidden => "[CANNOT] " + refused.Message,
        ErrorCode.MessageTooLarge => "[TOOBIG] " + refused.Message,
        ErrorCode.Throttled => "[UNAVAILABLE] " + refused.Message,
        ErrorCode.BadSyntax => "[CANNOT] " + refused.Message,
        _ => refused.Message,
    };

    private Task DispatchAsync(string tag, string command, ImapArguments arguments)
    {
        switch (command)
        {
            case "CAPABILITY":
                arguments.End();
                Reply("* CAPABILITY " + Capabilities());
                Tagged(tag, "OK CAPABILITY completed");
                return Task.CompletedTask;
            case "NOOP":
            case "CHECK" when _selected is not null:
                arguments.End();
                return SyncThenAsync(tag, $"OK {command} completed", force: true);
            case "LOGOUT":
                arguments.End();
                Reply("* BYE logging out");
                Tagged(tag, "OK LOGOUT completed");
                CloseReason = "logout";
                return Task.CompletedTask;
            case "ID":
                Id(arguments);
                Tagged(tag, "OK ID completed");
                return Task.CompletedTask;
        }

        if (_account is null)
        {
            switch (command)
            {
                case "STARTTLS":
                    arguments.End();
                    StartTls(tag);
                    return Task.CompletedTask;
                case "LOGIN":
                    return LoginAsync(tag, arguments);
                case "AUTHENTICATE":
                    return AuthenticateAsync(tag, arguments);
                default:
                    Tagged(tag, IsKnown(command) ? $"BAD {command} needs you to sign in first (LOGIN or AUTHENTICATE)" : $"BAD unknown command '{ImapArguments.Printable(command)}'", error: true);
                    return Task.CompletedTask;
            }
        }

        switch (command)
        {
            case "STARTTLS" or "LOGIN" or "AUTHENTICATE":
                Tagged(tag, "BAD already signed in", error: true);
                return Task.CompletedTask;
            case "ENABLE":
                Enable(tag, arguments);
                return Task.CompletedTask;
            case "SELECT" or "EXAMINE":
                return SelectAsync(tag, arguments, readOnly: command == "EXAMINE");
            case "CREATE":
                return CreateAsync(tag, arguments);
            case "DELETE":
                return DeleteAsync(tag, arguments);
            case "RENAME":
                return RenameAsync(tag, arguments);
            case "SUBSCRIBE" or "UNSUBSCRIBE":
                return SubscribeAsync(tag, arguments, command == "SUBSCRIBE");
            case "LIST" or "LSUB":
                return ListAsync(tag, arguments, subscribedOnly: command == "LSUB");
            case "NAMESPACE":
                arguments.End();
                Reply("* NAMESPACE ((\"\" \"/\")) NIL NIL");
                Tagged(tag, "OK NAMESPACE completed");
                return Task.CompletedTask;
            case "STATUS":
                return StatusAsync(tag, arguments);
            case "APPEND":
                return AppendAsync(tag, arguments);
            case "IDLE":
                arguments.End();
                return StartIdleAsync(tag);
        }

        if (_selected is null)
        {
            Tagged(tag, IsKnown(command) ? $"BAD {command} needs a selected mailbox (SELECT or EXAMINE first)" : $"BAD unknown command '{ImapArguments.Printable(command)}'", error: true);
            return Task.CompletedTask;
        }

        bool byUid = false;
        if (command == "UID")
        {
            byUid = true;
            command = arguments.RequiredWord("a command after UID").ToUpperInvariant();
        }

        switch (command)
        {
            case "CLOSE" when !byUid:
                arguments.End();
                return CloseMailboxAsync(tag, expunge: true);
            case "UNSELECT" when !byUid:
                arguments.End();
                return CloseMailboxAsync(tag, expunge: false);
            case "EXPUNGE":
                return ExpungeAsync(tag, arguments, byUid);
            case "FETCH":
                return FetchAsync(tag, arguments, byUid);
            case "STORE":
                return StoreAsync(tag, arguments, byUid);
            case "COPY" or "MOVE":
                return CopyAsync(tag, arguments, byUid, move: command == "MOVE");
            case "SEARCH":
                return SearchAsync(tag, arguments, byUid);
            default:
                Tagged(tag, $"BAD unknown command '{ImapArguments.Printable((byUid ? "UID " : "") + command)}'", error: true);
                return Task.CompletedTask;
        }
    }

    private static bool IsKnown(string command) => command is "SELECT" or "EXAMINE" or "CREATE" or "DELETE" or "RENAME" or "SUBSCRIBE"
        or "UNSUBSCRIBE" or "LIST" or "LSUB" or "STATUS" or "APPEND" or "IDLE" or "ENABLE" or "NAMESPACE" or "CHECK" or "CLOSE"
        or "UNSELECT" or "EXPUNGE" or "FETCH" or "STORE" or "COPY" or "MOVE" or "SEARCH" or "UID";

    // ID (RFC 2971): the client's list is read and ignored; the server says what it is.
    private void Id(ImapArguments arguments)
    {
        if (arguments.TryTake('('))
        {
            while (!arguments.TryTake(')'))
            {
                if (arguments.AtEnd)
                {
                    throw new ImapSyntaxException("the ID list is not closed");
                }

                arguments.String("an ID field");
            }
        }
        else
        {
            arguments.RequiredWord("NIL or a list");
        }

        arguments.End();
        Reply($"* ID (\"name\" \"Carteiro\" \"version\" \"{Version}\" \"vendor\" \"Carteiro\")");
    }

    private void Enable(string tag, ImapArguments arguments)
    {
        var enabled = new List<string>();
        while (!arguments.AtEnd)
        {
            string capability = arguments.Word().ToUpperInvariant();
            if (capability.Length == 0)
            {
                throw new ImapSyntaxException($"a capability name is expected");
            }

            if (capability == "CONDSTORE" && !enabled.Contains(capability))
            {
                _condStore = true;
                enabled.Add(capability);
            }
        }

        Reply("* ENABLED" + string.Concat(enabled.Select(c => " " + c)));
        Tagged(tag, "OK ENABLE completed");
    }

    private void StartTls(string tag)
    {
        if (Services.Tls is null)
        {
            Tagged(tag, "NO TLS is not available: the server has no certificate");
        }
        else if (Secure)
        {
            Tagged(tag, "BAD TLS is already active", error: true);
        }
        else
        {
            Tagged(tag, "OK begin TLS negotiation now");
            StartTlsRequested = true;
        }
    }
}
