using System.CommandLine;
using Carteiro.Client;

namespace Carteiro.Cli.Client;

/// <summary>who, watch.</summary>
internal static class LiveCommands
{
    public static IEnumerable<Command> Create()
    {
        yield return Who();
        yield return Watch();
    }

    private static Command Who()
    {
        var options = new ClientOptions();
        var command = new Command("who", "Who is online");
        options.AddTo(command);
        command.SetAction((parse, ct) => ClientSession.RunAsync(parse, options, async client =>
        {
            var online = await client.WhoAsync(ct).ConfigureAwait(false);
            if (parse.GetValue(options.Json))
            {
                Output.Json(online, Output.Types.IReadOnlyListOnlineUser);
                return ExitCodes.Ok;
            }

            foreach (var user in online)
            {
                Console.WriteLine($"{user.Name,-24} {user.Sessions} session{(user.Sessions == 1 ? " " : "s")}  since {user.Since.ToLocalTime():HH:mm}");
            }

            Console.WriteLine($"{online.Count} online");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command Watch()
    {
        var options = new ClientOptions();
        var command = new Command("watch", "Print new mail and presence as they happen, until Ctrl-C");
        options.AddTo(command);
        command.SetAction((parse, ct) => ClientSession.RunAsync(parse, options, async client =>
        {
            bool json = parse.GetValue(options.Json);
            if (!json)
            {
                Console.WriteLine($"watching as {client.Session!.User}; Ctrl-C to stop");
            }

            try
            {
                await foreach (var next in client.Events.ReadAllAsync(ct).ConfigureAwait(false))
                {
                    if (Print(next, json) is int exit)
                    {
                        return exit;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Ctrl-C: say goodbye so others see us offline at once.
                await client.LogoutAsync(CancellationToken.None).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static int? Print(ClientEvent next, bool json)
    {
        switch (next)
        {
            case MailEvent mail when json:
                Output.Json(new WatchLine("mail", Message: mail.Message), Output.Types.WatchLine);
                break;
            case MailEvent mail:
                var m = mail.Message;
                Console.WriteLine($"{DateTime.Now:HH:mm:ss} new in {m.Folder}: {m.Id} from {m.From}: {(m.Subject.Length == 0 ? "(no subject)" : m.Subject)} — {m.Snippet}");
                break;
            case PresenceEvent presence when json:
                Output.Json(new WatchLine("presence", User: presence.User, Online: presence.Online), Output.Types.WatchLine);
                break;
            case PresenceEvent presence:
                Console.WriteLine($"{DateTime.Now:HH:mm:ss} {presence.User} is {(presence.Online ? "online" : "offline")}");
                break;
            case UpdateEvent update when json:
                Output.Json(new WatchLine("update", Message: update.Message), Output.Types.WatchLine);
                break;
            case RemovedEvent removed when json:
                Output.Json(new WatchLine("removed", Id: removed.Id), Output.Types.WatchLine);
                break;
            case ByeEvent bye:
                return ServeCommand.Fail(ExitCodes.Unreachable, $"the server closed the connection: {bye.Reason}");
            case ConnectionStateEvent { State: ConnectionState.Disconnected }:
                return ServeCommand.Fail(ExitCodes.Unreachable, "the connection to the server was lost");
        }

        return null;
    }
}
