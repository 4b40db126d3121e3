using System.CommandLine;

namespace Carteiro.Cli.Client;

/// <summary>The options every client command takes.</summary>
internal sealed class ClientOptions
{
    public const string DefaultServer = "127.0.0.1:4480";

    public Option<string?> Server { get; } = new("--server") { Description = $"Server HOST:PORT (env CARTEIRO_SERVER; default {DefaultServer})" };

    public Option<string?> User { get; } = new("--user", "-u") { Description = "User name (env CARTEIRO_USER)" };

    public Option<bool> Json { get; } = new("--json") { Description = "Print JSON for scripts" };

    public void AddTo(Command command, bool json = true)
    {
        command.Options.Add(Server);
        command.Options.Add(User);
        if (json)
        {
            command.Options.Add(Json);
        }
    }
}
