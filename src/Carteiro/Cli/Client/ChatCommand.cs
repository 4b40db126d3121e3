using System.CommandLine;
using Carteiro.Chat;

namespace Carteiro.Cli.Client;

/// <summary>
/// <c>carteiro chat</c>: the full-screen terminal client (src/Carteiro.Chat). Takes the same
/// --server, --user, CARTEIRO_PASSWORD and saved login as the other client commands; with none of
/// them it shows a sign-in / register form instead of failing.
/// </summary>
internal static class ChatCommand
{
    public static Command Create()
    {
        var options = new ClientOptions();
        var command = new Command("chat", "Full-screen mail and chat in the terminal (sign-in form when not signed in)");
        options.AddTo(command, json: false);
        command.SetAction((parse, ct) => ClientSession.GuardAsync(async () =>
        {
            if (Console.IsInputRedirected || Console.IsOutputRedirected)
            {
                throw new UsageException("carteiro chat needs a terminal; use the other commands in scripts");
            }

            var (host, port, saved) = ClientSession.Resolve(parse, options);
            string? user = parse.GetValue(options.User) ?? Environment.GetEnvironmentVariable("CARTEIRO_USER");
            string? password = Environment.GetEnvironmentVariable("CARTEIRO_PASSWORD");
            bool useSaved = saved is not null && (user is null || string.Equals(user, saved.User, StringComparison.OrdinalIgnoreCase));
            return await ChatApp.RunAsync(new ChatOptions
            {
                Host = host,
                Port = port,
                User = user ?? saved?.User,
                Password = user is not null ? password : null,
                Token = useSaved && string.IsNullOrEmpty(password) ? saved!.Token : null,
            }, ct).ConfigureAwait(false);
        }));
        return command;
    }
}
