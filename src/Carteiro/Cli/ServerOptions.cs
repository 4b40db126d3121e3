using System.CommandLine;
using Carteiro.Core;
using Carteiro.Hosting;

namespace Carteiro.Cli;

/// <summary>Options shared by the commands that work on a data folder (serve, user).</summary>
internal static class ServerOptions
{
    public static Option<string> Data() => new("--data")
    {
        Description = "Data folder (env CARTEIRO_DATA; default ~/.local/share/carteiro)",
        DefaultValueFactory = _ => DataFolder.DefaultPath,
    };

    // Hidden: tests and benchmarks create many accounts and cannot wait 0.2 s per hash.
    public static Option<int> PasswordIterations() => new("--password-iterations")
    {
        Description = "PBKDF2 iterations for new password hashes",
        DefaultValueFactory = _ => CarteiroOptions.Default.PasswordIterations,
        Hidden = true,
    };
}
