using System.CommandLine;
using Carteiro.Client;

namespace Carteiro.Cli.Client;

/// <summary>send, reply, inbox, folders, read, mark, move, delete, search.</summary>
internal static class MailCommands
{
    public static IEnumerable<Command> Create()
    {
        yield return Send();
        yield return Reply();
        yield return Inbox();
        yield return Folders();
        yield return Read();
        yield return Mark();
        yield return Move();
        yield return Delete();
        yield return Search();
    }

    private static Argument<long> IdArgument() => new("id") { Description = "Message id (from inbox or search)" };

    private static Option<string?> BodyOption() => new("--body", "-b") { Description = "Body text (default: standard input when it is not a terminal)" };

    private static string ReadBody(ParseResult parse, Option<string?> body)
    {
        string? given = parse.GetValue(body);
        if (given is not null)
        {
            return given;
        }

        return Console.IsInputRedirected ? Console.In.ReadToEnd() : "";
    }

    private static List<string> Names(ParseResult parse, Option<string[]> option) =>
        [.. (parse.GetValue(option) ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];

    private static Command Send()
    {
        var options = new ClientOptions();
        var to = new Option<string[]>("--to", "-t") { Description = "Recipients (repeat or comma-separate)", AllowMultipleArgumentsPerToken = true };
        var cc = new Option<string[]>("--cc") { Description = "Copy recipients", AllowMultipleArgumentsPerToken = true };
        var bcc = new Option<string[]>("--bcc") { Description = "Blind copy recipients (only you see them)", AllowMultipleArgumentsPerToken = true };
        var all = new Option<bool>("--all") { Description = "Send to everyone on the server" };
        var subject = new Option<string?>("--subject", "-s") { Description = "Subject (one line)" };
        var body = BodyOption();
        var attach = new Option<string[]>("--attach", "-a") { Description = "File to attach (repeat for more)" };
        var replyTo = new Option<long?>("--reply-to") { Description = "Id of the message this answers (keeps the thread)" };
        var id = new Option<string?>("--id") { Description = "Your own id for this message: retrying with the same id never sends twice" };
        var command = new Command("send", "Send a message") { to, cc, bcc, all, subject, body, attach, replyTo, id };
        options.AddTo(command);
        command.SetAction((parse, ct) => ClientSession.RunAsync(parse, options, async client =>
        {
            var mail = new OutgoingMail
            {
                To = Names(parse, to),
                Cc = Names(parse, cc),
                Bcc = Names(parse, bcc),
                ToEveryone = parse.GetValue(all),
                Subject = parse.GetValue(subject) ?? "",
                Attachments = await LoadAttachmentsAsync(parse.GetValue(attach) ?? [], ct).ConfigureAwait(false),
                ReplyTo = parse.GetValue(replyTo),
                ClientId = parse.GetValue(id),
            };
            if (mail.To.Count + mail.Cc.Count + mail.Bcc.Count == 0 && !mail.ToEveryone)
            {
                throw new UsageException("give at least one of --to, --cc, --bcc or --all");
            }

            mail = mail with { Body = ReadBody(parse, body) };
            var result = await client.SendAsync(mail, ct).ConfigureAwait(false);
            return Sent(parse, options, result);
        }, ct));
        return command;
    }

    private static int Sent(ParseResult parse, ClientOptions options, SendResult result)
    {
        if (parse.GetValue(options.Json))
        {
            Output.Json(result, Output.Types.SendResult);
        }
        else
        {
            Console.WriteLine(result.Duplicate ? $"already sent as {result.Id} (retry ignored)" : $"sent {result.Id}");
        }

        return ExitCodes.Ok;
    }

    private static async Task<List<OutgoingAttachment>> LoadAttachmentsAsync(string[] paths, CancellationToken cancellationToken)
    {
        var attachments = new List<OutgoingAttachment>();
        foreach (string path in paths)
        {
            if (!File.Exists(path))
            {
                throw new UsageException($"--attach: no file '{path}'");
            }

            byte[] content = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            attachments.Add(new OutgoingAttachment(Path.GetFileName(path), ContentTypes.Guess(path), content));
        }

        return attachments;
    }

    private static Command Reply()
    {
        var options = new ClientOptions();
        var id = IdArgument();
        var all = new Option<bool>("--all") { Description = "Reply to the sender and every other recipient" };
        var body = BodyOption();
        var attach = new Option<string[]>("--attach", "-a") { Description = "File to attach (repeat for more)" };
        var command = new Command("reply", "Answer a message, keeping the thread") { id, all, body, attach };
        options.AddTo(command);
        command.SetAction((parse, ct) => ClientSession.RunAsync(parse, options, async client =>
        {
            var original = await client.ReadAsync(parse.GetValue(id), peek: true, cancellationToken: ct).ConfigureAwait(false);
            var s = original.Summary;
            string me = client.Session!.User;
            bool mine = string.Equals(s.From, me, StringComparison.OrdinalIgnoreCase);
            var to = new List<string> { mine && s.To.Count > 0 ? s.To[0] : s.From };
            var cc = new List<string>();
            if (parse.GetValue(all))
            {
                foreach (string name in s.To.Concat(s.Cc))
                {
                    if (!string.Equals(name, me, StringComparison.OrdinalIgnoreCase) && !to.Contains(name, StringComparer.OrdinalIgnoreCase) && !cc.Contains(name, StringComparer.OrdinalIgnoreCase))
                    {
                        cc.Add(name);
                    }
                }
            }

            string subject = s.Subject.StartsWith("Re:", StringComparison.OrdinalIgnoreCase) ? s.Subject : "Re: " + s.Subject;
            var mail = new OutgoingMail
            {
                To = to,
                Cc = cc,
                ToEveryone = parse.GetValue(all) && s.Everyone,
                Subject = subject,
                Body = ReadBody(parse, body),
                Attachments = await LoadAttachmentsAsync(parse.GetValue(attach) ?? [], ct).ConfigureAwait(false),
                ReplyTo = s.Id,
            };
            var result = await client.SendAsync(mail, ct).ConfigureAwait(false);
            return Sent(parse, options, result);
        }, ct));
        return command;
    }

    private static Command Inbox()
    {
        var options = new ClientOptions();
        var folder = new Option<string>("--folder", "-f") { Description = "Folder to list", DefaultValueFactory = _ => "Inbox" };
        var unread = new Option<bool>("--unread") { Description = "Only unread messages" };
        var page = new Option<int>("--page", "-p") { Description = "Page number, from 1", DefaultValueFactory = _ => 1 };
        var limit = new Option<int>("--limit", "-n") { Description = "Messages per page", DefaultValueFactory = _ => 20 };
        var command = new Command("inbox", "List a folder, newest first (N = unread, ! = flagged, @ = attachments)") { folder, unread, page, limit };
        options.AddTo(command);
        command.SetAction((parse, ct) => ClientSession.RunAsync(parse, options, async client =>
        {
            int size = parse.GetValue(limit);
            int number = parse.GetValue(page);
            if (size < 1 || number < 1)
            {
                throw new UsageException("--page and --limit start at 1");
            }

            var result = await client.ListAsync(parse.GetValue(folder)!, size, (number - 1) * size, unreadOnly: parse.GetValue(unread), cancellationToken: ct).ConfigureAwait(false);
            if (parse.GetValue(options.Json))
            {
                Output.Json(result, Output.Types.MailPage);
                return ExitCodes.Ok;
            }

            Console.WriteLine($"{result.Folder}: {result.Total} message{(result.Total == 1 ? "" : "s")}, {result.Unread} unread — page {number}");
            Output.List(result.Items, showRecipients: string.Equals(result.Folder, "Sent", StringComparison.OrdinalIgnoreCase));
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command Folders()
    {
        var options = new ClientOptions();
        var command = new Command("folders", "List your folders with counts");
        options.AddTo(command);
        command.SetAction((parse, ct) => ClientSession.RunAsync(parse, options, async client =>
        {
            var folders = await client.FoldersAsync(ct).ConfigureAwait(false);
            if (parse.GetValue(options.Json))
            {
                Output.Json(folders, Output.Types.IReadOnlyListFolderView);
                return ExitCodes.Ok;
            }

            foreach (var folder in folders)
            {
                Console.WriteLine($"{folder.Name,-20} {folder.Total,8} messages {folder.Unread,8} unread");
            }

            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command Read()
    {
        var options = new ClientOptions();
        var id = IdArgument();
        var save = new Option<string?>("--save-attachments") { Description = "Save the attachments into this folder" };
        var raw = new Option<bool>("--raw") { Description = "Print the stored RFC 5322 document" };
        var peek = new Option<bool>("--peek") { Description = "Do not mark the message as read" };
        var command = new Command("read", "Show a message (and mark it read)") { id, save, raw, peek };
        options.AddTo(command);
        command.SetAction((parse, ct) => ClientSession.RunAsync(parse, options, async client =>
        {
            long messageId = parse.GetValue(id);
            if (parse.GetValue(raw))
            {
                byte[] document = await client.RawAsync(messageId, ct).ConfigureAwait(false);
                using var stdout = Console.OpenStandardOutput();
                await stdout.WriteAsync(document, ct).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            string? folder = parse.GetValue(save);
            var message = await client.ReadAsync(messageId, parse.GetValue(peek), attachments: folder is not null, ct).ConfigureAwait(false);
            if (parse.GetValue(options.Json))
            {
                Output.Json(message with { Attachments = [.. message.Attachments.Select(a => a with { Content = null })] }, Output.Types.MailMessage);
            }
            else
            {
                Output.Message(message);
            }

            if (folder is not null)
            {
                Directory.CreateDirectory(folder);
                foreach (var attachment in message.Attachments)
                {
                    // Only the file name: a sender cannot choose where we write.
                    string path = Path.Combine(folder, Path.GetFileName(attachment.Name));
                    await File.WriteAllBytesAsync(path, attachment.Content ?? [], ct).ConfigureAwait(false);
                    if (!parse.GetValue(options.Json))
                    {
                        Console.WriteLine($"saved {path}");
                    }
                }
            }

            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command Mark()
    {
        var options = new ClientOptions();
        var id = IdArgument();
        var read = new Option<bool>("--read") { Description = "Mark as read" };
        var unread = new Option<bool>("--unread") { Description = "Mark as unread" };
        var flag = new Option<bool>("--flag") { Description = "Flag it" };
        var unflag = new Option<bool>("--unflag") { Description = "Remove the flag" };
        var command = new Command("mark", "Mark a message read or unread, flagged or not") { id, read, unread, flag, unflag };
        options.AddTo(command);
        command.SetAction((parse, ct) => ClientSession.RunAsync(parse, options, async client =>
        {
            var changes = new List<string>();
            if (parse.GetValue(read))
            {
                changes.Add("+seen");
            }

            if (parse.GetValue(unread))
            {
                changes.Add("-seen");
            }

            if (parse.GetValue(flag))
            {
                changes.Add("+flagged");
            }

            if (parse.GetValue(unflag))
            {
                changes.Add("-flagged");
            }

            if (changes.Count == 0)
            {
                throw new UsageException("give one of --read, --unread, --flag, --unflag");
            }

            var summary = await client.FlagAsync(parse.GetValue(id), changes, ct).ConfigureAwait(false);
            return Print(parse, options, summary, $"{summary.Id}: {(summary.Flags.Count == 0 ? "unread" : string.Join(", ", summary.Flags))}");
        }, ct));
        return command;
    }

    private static Command Move()
    {
        var options = new ClientOptions();
        var id = IdArgument();
        var folder = new Argument<string>("folder") { Description = "Destination folder" };
        var command = new Command("move", "Move a message to another folder") { id, folder };
        options.AddTo(command);
        command.SetAction((parse, ct) => ClientSession.RunAsync(parse, options, async client =>
        {
            var summary = await client.MoveAsync(parse.GetValue(id), parse.GetValue(folder)!, ct).ConfigureAwait(false);
            return Print(parse, options, summary, $"moved {summary.Id} to {summary.Folder}");
        }, ct));
        return command;
    }

    private static Command Delete()
    {
        var options = new ClientOptions();
        var id = IdArgument();
        var purge = new Option<bool>("--purge") { Description = "Delete for good instead of moving to Trash" };
        var command = new Command("delete", "Move a message to Trash (from Trash, or with --purge: delete for good)") { id, purge };
        options.AddTo(command);
        command.SetAction((parse, ct) => ClientSession.RunAsync(parse, options, async client =>
        {
            var result = await client.DeleteAsync(parse.GetValue(id), parse.GetValue(purge), ct).ConfigureAwait(false);
            if (parse.GetValue(options.Json))
            {
                Output.Json(result, Output.Types.DeleteResult);
            }
            else
            {
                Console.WriteLine(result.Deleted ? $"deleted {result.Id} for good" : $"moved {result.Id} to {result.Folder}");
            }

            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command Search()
    {
        var options = new ClientOptions();
        var text = new Argument<string>("text") { Description = "Words to find in subject, body and names (all must match; word* for prefixes)" };
        var folder = new Option<string?>("--folder", "-f") { Description = "Only this folder" };
        var limit = new Option<int>("--limit", "-n") { Description = "Most results", DefaultValueFactory = _ => 50 };
        var command = new Command("search", "Full-text search of your mail") { text, folder, limit };
        options.AddTo(command);
        command.SetAction((parse, ct) => ClientSession.RunAsync(parse, options, async client =>
        {
            var items = await client.SearchAsync(parse.GetValue(text)!, parse.GetValue(folder), parse.GetValue(limit), cancellationToken: ct).ConfigureAwait(false);
            if (parse.GetValue(options.Json))
            {
                Output.Json(items, Output.Types.IReadOnlyListMailSummary);
                return ExitCodes.Ok;
            }

            Console.WriteLine($"{items.Count} match{(items.Count == 1 ? "" : "es")}");
            Output.List(items, showRecipients: false);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static int Print(ParseResult parse, ClientOptions options, MailSummary summary, string text)
    {
        if (parse.GetValue(options.Json))
        {
            Output.Json(summary, Output.Types.MailSummary);
        }
        else
        {
            Console.WriteLine(text);
        }

        return ExitCodes.Ok;
    }
}
