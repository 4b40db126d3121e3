using System.CommandLine;
using Carteiro.Client;

namespace Carteiro.Cli.Client;

/// <summary>
/// Turns the common options, the environment and the saved login into a signed-in
/// <see cref="CarteiroClient"/>, and every failure into one stderr line and an exit code.
/// </summary>
internal static class ClientSession
{
    /// <summary>Runs <paramref name="work"/> with a signed-in client.</summary>
    public static Task<int> RunAsync(ParseResult parse, ClientOptions options, Func<CarteiroClient, Task<int>> work, CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            var (host, port, saved) = Resolve(parse, options);
            string? user = parse.GetValue(options.User) ?? Environment.GetEnvironmentVariable("CARTEIRO_USER");
            string? password = Environment.GetEnvironmentVariable("CARTEIRO_PASSWORD");
            await using var client = await CarteiroClient.ConnectAsync(host, port, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (user is not null && !string.IsNullOrEmpty(password))
            {
                await client.LoginAsync(user, password, cancellationToken).ConfigureAwait(false);
            }
            else if (saved is not null && (user is null || string.Equals(user, saved.User, StringComparison.OrdinalIgnoreCase)))
            {
                await client.AuthAsync(saved.Token, cancellationToken).ConfigureAwait(false);
            }
            else if (user is not null && !Console.IsInputRedirected)
            {
                await client.LoginAsync(user, Prompt.ReadSecret($"Password for {user}: "), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                throw new UsageException(user is null
                    ? "not signed in: run 'carteiro login --user NAME', or give --user and CARTEIRO_PASSWORD"
                    : "no password: set CARTEIRO_PASSWORD, run 'carteiro login', or use a terminal to be asked");
            }

            return await work(client).ConfigureAwait(false);
        });

    /// <summary>Runs <paramref name="work"/> with a connected client that is not signed in.</summary>
    public static Task<int> RunAnonymousAsync(ParseResult parse, ClientOptions options, Func<CarteiroClient, string, int, Task<int>> work, CancellationToken cancellationToken) =>
        GuardAsync(async () =>
        {
            var (host, port, _) = Resolve(parse, options);
            await using var client = await CarteiroClient.ConnectAsync(host, port, cancellationToken: cancellationToken).ConfigureAwait(false);
            return await work(client, host, port).ConfigureAwait(false);
        });

    /// <summary>The server to use: --server, CARTEIRO_SERVER, the saved login's, or the default.</summary>
    public static (string Host, int Port, SavedLogin? Saved) Resolve(ParseResult parse, ClientOptions options)
    {
        var saved = SavedLogin.Load();
        string server = parse.GetValue(options.Server) ?? Environment.GetEnvironmentVariable("CARTEIRO_SERVER") ?? saved?.Server ?? ClientOptions.DefaultServer;
        if (!Endpoints.TrySplit(server, out string host, out int port))
        {
            throw new UsageException($"--server: '{server}' is not HOST:PORT");
        }

        // A saved token belongs to the server it was made on.
        if (saved is not null && !string.Equals(saved.Server, server, StringComparison.OrdinalIgnoreCase))
        {
            saved = null;
        }

        return (host, port, saved);
    }

    /// <summary>Maps failures to one line on stderr and an exit code.</summary>
    public static async Task<int> GuardAsync(Func<Task<int>> work)
    {
        try
        {
            return await work().ConfigureAwait(false);
        }
        catch (CarteiroCommandException refused)
        {
            return ServeCommand.Fail(ExitCodes.Refused, $"{refused.Code}: {refused.Message}");
        }
        catch (CarteiroConnectionException lost)
        {
            return ServeCommand.Fail(ExitCodes.Unreachable, lost.Message);
        }
        catch (UsageException usage)
        {
            return ServeCommand.Fail(ExitCodes.Usage, usage.Message);
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.Ok;
        }
        catch (IOException io)
        {
            return ServeCommand.Fail(ExitCodes.Failure, io.Message);
        }
        catch (Exception unexpected)
        {
            return ServeCommand.Fail(ExitCodes.Failure, $"unexpected failure: {unexpected.Message}");
        }
    }
}
