using System.CommandLine;
using Carteiro.Cli;
using Carteiro.Cli.Client;

var root = new RootCommand("Carteiro: a messaging server with email semantics, and its clients");
root.Subcommands.Add(ServeCommand.Create());
root.Subcommands.Add(UserCommands.Create());
root.Subcommands.Add(CertCommand.Create());
ClientCommands.AddTo(root);

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (var error in parse.Errors)
    {
        Console.Error.WriteLine($"carteiro: {error.Message}");
    }

    Console.Error.WriteLine("carteiro: see 'carteiro --help'");
    return ExitCodes.Usage;
}

// Graceful shutdown can take a while; don't let the parser kill the process early.
return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(30) });
