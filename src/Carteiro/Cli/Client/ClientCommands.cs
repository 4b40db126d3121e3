using System.CommandLine;

namespace Carteiro.Cli.Client;

/// <summary>
/// The client commands of <c>carteiro</c>: register, login, logout, passwd, send, reply, inbox,
/// folders, read, mark, move, delete, search, who, watch, and chat (the full-screen client).
/// Exit codes (see <see cref="ExitCodes"/>): 0 success; 1 the server refused; 2 usage error;
/// 3 server unreachable or connection lost; 4 unexpected failure. Errors are one line on stderr.
/// </summary>
public static class ClientCommands
{
    /// <summary>Adds every client command to <paramref name="root"/>.</summary>
    public static void AddTo(RootCommand root)
    {
        foreach (var command in AccountCommands.Create().Concat(MailCommands.Create()).Concat(LiveCommands.Create()))
        {
            root.Subcommands.Add(command);
        }

        root.Subcommands.Add(ChatCommand.Create());
    }
}
