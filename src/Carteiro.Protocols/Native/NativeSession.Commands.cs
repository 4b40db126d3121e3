using Carteiro.Protocols.Common;
using Carteiro.Core.Errors;
using Carteiro.Core.Mailboxes;
using Carteiro.Core.Messages;
using Carteiro.Core.Storage;
using Carteiro.Wire;

namespace Carteiro.Protocols.Native;

internal sealed partial class NativeSession
{
    private Task ExecuteAsync(Command command) => command.Verb switch
    {
        "NOOP" or "PING" => NoopAsync(command),
        "LOGOUT" => LogoutAsync(command),
        "LOGIN" => LoginAsync(command),
        "REGISTER" => RegisterAsync(command),
        "AUTH" => AuthAsync(command),
        "TOKEN" => TokenAsync(command),
        "PASSWD" => PasswdAsync(command),
        "FOLDERS" => FoldersAsync(command),
        "CREATE" => CreateFolderAsync(command),
        "LIST" => ListAsync(command),
        "READ" => ReadAsync(command),
        "RAW" => RawAsync(command),
        "FLAG" => FlagAsync(command),
        "MOVE" => MoveAsync(command),
        "DELETE" => DeleteAsync(command),
        "SEARCH" => SearchAsync(command),
        "WHO" => WhoAsync(command),
        "USERS" => UsersAsync(command),
        _ => throw new CarteiroException(ErrorCode.UnknownCommand, $"unknown command '{(command.Verb.Length > 20 ? command.Verb[..20] : command.Verb)}'"),
    };

    private async Task NoopAsync(Command command)
    {
        using (await LockAsync().ConfigureAwait(false))
        {
            WriteOk(command.Tag);
        }
    }

    // SEND

    private void StartSend(Command command, Frame frame)
    {
        if (Interlocked.Increment(ref _inFlight) > _services.Options.MaxCommandsInFlight)
        {
            Interlocked.Decrement(ref _inFlight);
            frame.Dispose();
            _services.Logger.LimitExceeded(_connectionId, _remote, ErrorCode.TooManyInFlight.ToWire());
            (_pendingSends ??= []).Add(ReplyErrorAsync(command.Tag, bad: false, ErrorCode.TooManyInFlight.ToWire(),
                $"more than {_services.Options.MaxCommandsInFlight} commands waiting for replies; wait for some before sending more"));
            return;
        }

        var pending = _pendingSends ??= [];
        if (pending.Count >= 256)
        {
            pending.RemoveAll(task => task.IsCompleted);
        }

        pending.Add(RunSendAsync(command, frame));
    }

    private async Task RunSendAsync(Command command, Frame frame)
    {
        try
        {
            var account = Account;
            var draft = ParseDraft(command);
            var receipt = await _services.Mail.SendAsync(account, draft, _services.Stopping, origin: this).ConfigureAwait(false);
            using (await LockAsync().ConfigureAwait(false))
            {
                var json = BeginOk(command.Tag);
                json.WriteStartObject();
                json.WriteNumber("id"u8, receipt.Id);
                json.WriteNumber("message"u8, receipt.MessageId);
                json.WriteString("date"u8, receipt.Date);
                json.WriteBoolean("duplicate"u8, receipt.Duplicate);
                json.WriteEndObject();
                EndJsonLine();
            }

            ScheduleFlush();
        }
        catch (CarteiroException refusal)
        {
            await ReplyRefusalAsync(command.Tag, refusal).ConfigureAwait(false);
            await FlushAsync(_closing.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The connection is closing; a committed send stays committed.
        }
        catch (Exception failure) when (failure is not IOException)
        {
            _services.Logger.CommandFailed(failure, "SEND", _connectionId);
            await ReplyErrorAsync(command.Tag, bad: false, ErrorCode.Internal.ToWire(), "the server failed to store the message; nothing was sent").ConfigureAwait(false);
            await FlushAsync(_closing.Token).ConfigureAwait(false);
        }
        finally
        {
            frame.Dispose();
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private static Draft ParseDraft(Command command)
    {
        var to = new List<string>();
        var cc = new List<string>();
        var bcc = new List<string>();
        var attachments = new List<Attachment>();
        bool everyone = false;
        string subject = "";
        string body = "";
        long? replyTo = null;
        string? clientId = null;
        var args = new NativeArguments(command);
        while (args.HasMore)
        {
            var item = args.Next("item");
            string keyword = item.Kind == ArgumentKind.Atom ? item.Text!.ToUpperInvariant() : "";
            switch (keyword)
            {
                case "TO":
                    Split(args.Text("recipient after TO"), to);
                    break;
                case "CC":
                    Split(args.Text("recipient after CC"), cc);
                    break;
                case "BCC":
                    Split(args.Text("recipient after BCC"), bcc);
                    break;
                case "ALL":
                    everyone = true;
                    break;
                case "SUBJECT":
                    subject = args.Text("subject");
                    break;
                case "BODY":
                    var content = args.Next("body");
                    body = content.AsText();
                    break;
                case "ATTACH":
                    string name = args.Text("attachment file name");
                    string type = args.Text("attachment content type");
                    var data = args.Next("attachment bytes");
                    if (data.Kind != ArgumentKind.Literal)
                    {
                        Refuse.With(ErrorCode.BadSyntax, "SEND: attachment bytes must be a literal {N}");
                    }

                    attachments.Add(new Attachment(name, type, data.Bytes));
                    break;
                case "REPLY":
                    replyTo = args.Number("message id after REPLY");
                    break;
                case "ID":
                    clientId = args.Text("client message id");
                    break;
                default:
                    args.Unexpected(item);
                    break;
            }
        }

        return new Draft
        {
            To = to, Cc = cc, Bcc = bcc, ToEveryone = everyone, Subject = subject, Body = body,
            Attachments = attachments, ReplyTo = replyTo, ClientId = clientId,
        };
    }

    private static void Split(string names, List<string> into)
    {
        foreach (string name in names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            into.Add(name);
        }
    }

    private async Task DrainSendsAsync()
    {
        if (_pendingSends is not { Count: > 0 } pending)
        {
            return;
        }

        await Task.WhenAll(pending).ConfigureAwait(false);
        pending.Clear();
    }

    // Reading

    private async Task FoldersAsync(Command command)
    {
        new NativeArguments(command).End();
        var folders = await _services.Mail.FoldersAsync(Account, _closing.Token).ConfigureAwait(false);
        using (await LockAsync().ConfigureAwait(false))
        {
            foreach (var folder in folders)
            {
                MailJson.WriteFolder(BeginData("* FOLDER "u8), folder);
                EndJsonLine();
            }

            WriteOk(command.Tag);
        }
    }

    private async Task CreateFolderAsync(Command command)
    {
        var args = new NativeArguments(command);
        string name = args.Text("folder name");
        args.End();
        var folder = await _services.Mail.CreateFolderAsync(Account, name, _closing.Token).ConfigureAwait(false);
        using (await LockAsync().ConfigureAwait(false))
        {
            WireWriter.WriteUtf8(_output, command.Tag);
            WireWriter.Write(_output, " OK "u8);
            MailJson.WriteFolder(BeginJson(), folder);
            EndJsonLine();
        }
    }

    private async Task ListAsync(Command command)
    {
        var args = new NativeArguments(command);
        string folder = FolderNames.Inbox;
        bool unread = false;
        int limit = 50;
        int offset = 0;
        long? before = null;
        if (args.HasMore && !IsListKeyword(args.Peek()))
        {
            folder = args.Text("folder");
        }

        while (args.HasMore)
        {
            var keyword = args.Next("option");
            if (keyword.Is("UNREAD"))
            {
                unread = true;
            }
            else if (keyword.Is("LIMIT"))
            {
                limit = args.SmallNumber("LIMIT");
            }
            else if (keyword.Is("OFFSET"))
            {
                offset = args.SmallNumber("OFFSET");
            }
            else if (keyword.Is("BEFORE"))
            {
                before = args.Number("BEFORE uid");
            }
            else
            {
                args.Unexpected(keyword);
            }
        }

        var page = await _services.Mail.ListAsync(Account, new ListQuery(FolderNames.Canonical(folder), limit, offset, before, unread), _closing.Token).ConfigureAwait(false);
        using (await LockAsync().ConfigureAwait(false))
        {
            foreach (var item in page.Items)
            {
                MailJson.WriteSummary(BeginData("* ITEM "u8), item);
                EndJsonLine();
            }

            var json = BeginOk(command.Tag);
            json.WriteStartObject();
            json.WriteString("folder"u8, page.Folder.Name);
            json.WriteNumber("total"u8, page.Folder.Total);
            json.WriteNumber("unread"u8, page.Folder.Unread);
            json.WriteNumber("count"u8, page.Items.Count);
            json.WriteEndObject();
            EndJsonLine();
        }
    }

    private static bool IsListKeyword(Argument argument) =>
        argument.Is("UNREAD") || argument.Is("LIMIT") || argument.Is("OFFSET") || argument.Is("BEFORE");

    private async Task ReadAsync(Command command)
    {
        var args = new NativeArguments(command);
        long id = args.Number("message id");
        bool peek = false;
        bool withAttachments = false;
        while (args.HasMore)
        {
            var option = args.Next("option");
            if (option.Is("PEEK"))
            {
                peek = true;
            }
            else if (option.Is("ATTACHMENTS"))
            {
                withAttachments = true;
            }
            else
            {
                args.Unexpected(option);
            }
        }

        var detail = await _services.Mail.ReadAsync(Account, id, peek, _closing.Token).ConfigureAwait(false);
        var files = withAttachments && detail.Attachments.Count > 0
            ? await _services.Mail.AttachmentsAsync(Account, id, _closing.Token).ConfigureAwait(false)
            : [];
        using (await LockAsync().ConfigureAwait(false))
        {
            var json = BeginData("* MESSAGE "u8);
            json.WriteStartObject();
            MailJson.WriteSummaryFields(json, detail.Summary);
            json.WriteString("messageId"u8, detail.MessageIdHeader);
            json.WriteStartArray("attachments"u8);
            foreach (var attachment in detail.Attachments)
            {
                json.WriteStartObject();
                json.WriteString("name"u8, attachment.FileName);
                json.WriteString("type"u8, attachment.ContentType);
                json.WriteNumber("size"u8, attachment.Size);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            EndJsonLine();
            WireWriter.Write(_output, "* BODY "u8);
            WireWriter.WriteLiteral(_output, System.Text.Encoding.UTF8.GetBytes(detail.Body));
            WireWriter.WriteLineEnd(_output);
            for (int i = 0; i < files.Count; i++)
            {
                WireWriter.Write(_output, "* ATTACHMENT "u8);
                WireWriter.WriteNumber(_output, i);
                WireWriter.Write(_output, " "u8);
                WireWriter.WriteLiteral(_output, files[i].Content.Span);
                WireWriter.WriteLineEnd(_output);
            }

            WriteOk(command.Tag);
        }
    }

    private async Task RawAsync(Command command)
    {
        var args = new NativeArguments(command);
        long id = args.Number("message id");
        args.End();
        var document = await _services.Mail.RawAsync(Account, id, _closing.Token).ConfigureAwait(false);
        using (await LockAsync().ConfigureAwait(false))
        {
            WireWriter.Write(_output, "* RAW "u8);
            WireWriter.WriteLiteral(_output, document);
            WireWriter.WriteLineEnd(_output);
            WriteOk(command.Tag);
        }
    }

    private async Task SearchAsync(Command command)
    {
        var args = new NativeArguments(command);
        string text = args.Text("search text");
        string? folder = null;
        int limit = 50;
        int offset = 0;
        while (args.HasMore)
        {
            var keyword = args.Next("option");
            if (keyword.Is("IN"))
            {
                folder = FolderNames.Canonical(args.Text("folder after IN"));
            }
            else if (keyword.Is("LIMIT"))
            {
                limit = args.SmallNumber("LIMIT");
            }
            else if (keyword.Is("OFFSET"))
            {
                offset = args.SmallNumber("OFFSET");
            }
            else
            {
                args.Unexpected(keyword);
            }
        }

        var items = await _services.Mail.SearchAsync(Account, new SearchQuery(text, folder, limit, offset), _closing.Token).ConfigureAwait(false);
        using (await LockAsync().ConfigureAwait(false))
        {
            foreach (var item in items)
            {
                MailJson.WriteSummary(BeginData("* ITEM "u8), item);
                EndJsonLine();
            }

            var json = BeginOk(command.Tag);
            json.WriteStartObject();
            json.WriteNumber("count"u8, items.Count);
            json.WriteEndObject();
            EndJsonLine();
        }
    }

    // Changing

    private async Task FlagAsync(Command command)
    {
        var args = new NativeArguments(command);
        long id = args.Number("message id");
        var add = MessageFlags.None;
        var remove = MessageFlags.None;
        if (!args.HasMore)
        {
            Refuse.With(ErrorCode.BadSyntax, "FLAG: give at least one change such as +seen or -flagged");
        }

        while (args.HasMore)
        {
            string change = args.Text("flag change");
            var flag = change.Length > 1 ? ParseFlag(change[1..]) : MessageFlags.None;
            if (flag == MessageFlags.None || change[0] is not ('+' or '-'))
            {
                Refuse.With(ErrorCode.BadSyntax, $"FLAG: '{change}' is not +flag or -flag with flag one of seen, flagged, answered");
            }

            if (change[0] == '+')
            {
                add |= flag;
            }
            else
            {
                remove |= flag;
            }
        }

        var summary = await _services.Mail.SetFlagsAsync(Account, id, add, remove, _closing.Token).ConfigureAwait(false);
        await ReplySummaryAsync(command.Tag, summary).ConfigureAwait(false);
    }

    private static MessageFlags ParseFlag(string name) => name.ToLowerInvariant() switch
    {
        "seen" => MessageFlags.Seen,
        "flagged" => MessageFlags.Flagged,
        "answered" => MessageFlags.Answered,
        _ => MessageFlags.None,
    };

    private async Task MoveAsync(Command command)
    {
        var args = new NativeArguments(command);
        long id = args.Number("message id");
        string folder = args.Text("folder");
        args.End();
        var summary = await _services.Mail.MoveAsync(Account, id, folder, _closing.Token).ConfigureAwait(false);
        await ReplySummaryAsync(command.Tag, summary).ConfigureAwait(false);
    }

    private async Task DeleteAsync(Command command)
    {
        var args = new NativeArguments(command);
        long id = args.Number("message id");
        bool purge = false;
        if (args.HasMore)
        {
            var option = args.Next("option");
            if (!option.Is("PURGE"))
            {
                args.Unexpected(option);
            }

            purge = true;
        }

        args.End();
        var trashed = await _services.Mail.DeleteAsync(Account, id, purge, _closing.Token).ConfigureAwait(false);
        using (await LockAsync().ConfigureAwait(false))
        {
            var json = BeginOk(command.Tag);
            json.WriteStartObject();
            json.WriteNumber("id"u8, id);
            json.WriteBoolean("deleted"u8, trashed is null);
            if (trashed is not null)
            {
                json.WriteString("folder"u8, trashed.Folder);
            }

            json.WriteEndObject();
            EndJsonLine();
        }
    }

    private async Task ReplySummaryAsync(string tag, MessageSummary summary)
    {
        using (await LockAsync().ConfigureAwait(false))
        {
            MailJson.WriteSummary(BeginOk(tag), summary);
            EndJsonLine();
        }
    }

    // People

    private async Task WhoAsync(Command command)
    {
        new NativeArguments(command).End();
        _ = Account;
        var online = _services.Mail.Online();
        using (await LockAsync().ConfigureAwait(false))
        {
            foreach (var user in online)
            {
                var json = BeginData("* USER "u8);
                json.WriteStartObject();
                json.WriteString("name"u8, user.Name);
                json.WriteNumber("sessions"u8, user.Sessions);
                json.WriteString("since"u8, user.Since);
                json.WriteEndObject();
                EndJsonLine();
            }

            var ok = BeginOk(command.Tag);
            ok.WriteStartObject();
            ok.WriteNumber("count"u8, online.Count);
            ok.WriteEndObject();
            EndJsonLine();
        }
    }

    private async Task UsersAsync(Command command)
    {
        var args = new NativeArguments(command);
        string prefix = "";
        int limit = 20;
        if (args.HasMore && !args.Peek().Is("LIMIT"))
        {
            prefix = args.Text("prefix");
        }

        if (args.HasMore)
        {
            var keyword = args.Next("option");
            if (!keyword.Is("LIMIT"))
            {
                args.Unexpected(keyword);
            }

            limit = args.SmallNumber("LIMIT");
        }

        args.End();
        _ = Account;
        var names = await _services.Mail.CompleteNamesAsync(prefix, limit, _closing.Token).ConfigureAwait(false);
        using (await LockAsync().ConfigureAwait(false))
        {
            foreach (string name in names)
            {
                var json = BeginData("* NAME "u8);
                json.WriteStartObject();
                json.WriteString("name"u8, name);
                json.WriteEndObject();
                EndJsonLine();
            }

            WriteOk(command.Tag);
        }
    }
}
