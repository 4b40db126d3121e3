using System.CommandLine;

namespace Carteiro.Cli.Client;

/// <summary>register, login, logout, passwd.</summary>
internal static class AccountCommands
{
    public static IEnumerable<Command> Create()
    {
        yield return Register();
        yield return Login();
        yield return Logout();
        yield return Passwd();
    }

    private static string NewPassword(string? user)
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("CARTEIRO_PASSWORD");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }

        if (Console.IsInputRedirected)
        {
            throw new UsageException("no password: set CARTEIRO_PASSWORD or run on a terminal to be asked");
        }

        string first = Prompt.ReadSecret($"New password for {user}: ");
        string again = Prompt.ReadSecret("Again: ");
        return first == again ? first : throw new UsageException("the two passwords differ");
    }

    private static string RequireUser(ParseResult parse, ClientOptions options) =>
        parse.GetValue(options.User) ?? Environment.GetEnvironmentVariable("CARTEIRO_USER") ?? throw new UsageException("give --user NAME (or CARTEIRO_USER)");

    private static Command Register()
    {
        var options = new ClientOptions();
        var command = new Command("register", "Create an account on the server (password from CARTEIRO_PASSWORD or a prompt)");
        options.AddTo(command, json: false);
        command.SetAction((parse, ct) => ClientSession.RunAnonymousAsync(parse, options, async (client, _, _) =>
        {
            string user = RequireUser(parse, options);
            var session = await client.RegisterAsync(user, NewPassword(user), ct).ConfigureAwait(false);
            Console.WriteLine($"registered {session.User}; sign in with 'carteiro login --user {session.User}'");
            await client.LogoutAsync(ct).ConfigureAwait(false);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command Login()
    {
        var options = new ClientOptions();
        var command = new Command("login", "Sign in and save a login token (not the password) for the next commands");
        options.AddTo(command, json: false);
        command.SetAction((parse, ct) => ClientSession.RunAnonymousAsync(parse, options, async (client, host, port) =>
        {
            string user = RequireUser(parse, options);
            string? password = Environment.GetEnvironmentVariable("CARTEIRO_PASSWORD");
            if (string.IsNullOrEmpty(password))
            {
                password = Console.IsInputRedirected
                    ? throw new UsageException("no password: set CARTEIRO_PASSWORD or run on a terminal to be asked")
                    : Prompt.ReadSecret($"Password for {user}: ");
            }

            var session = await client.LoginAsync(user, password, ct).ConfigureAwait(false);
            string token = await client.CreateTokenAsync($"carteiro cli on {Environment.MachineName}", ct).ConfigureAwait(false);
            new SavedLogin($"{host}:{port}", session.User, token).Save();
            Console.WriteLine($"signed in as {session.User}; login saved in {SavedLogin.FilePath}");
            await client.LogoutAsync(ct).ConfigureAwait(false);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command Logout()
    {
        var options = new ClientOptions();
        var command = new Command("logout", "Revoke the saved login token and forget it");
        options.AddTo(command, json: false);
        command.SetAction((parse, ct) => ClientSession.GuardAsync(async () =>
        {
            var (host, port, saved) = ClientSession.Resolve(parse, options);
            saved ??= SavedLogin.Load();
            if (saved is null)
            {
                Console.WriteLine("not signed in");
                return ExitCodes.Ok;
            }

            try
            {
                await using var client = await Carteiro.Client.CarteiroClient.ConnectAsync(host, port, cancellationToken: ct).ConfigureAwait(false);
                await client.AuthAsync(saved.Token, ct).ConfigureAwait(false);
                await client.RevokeTokenAsync(null, ct).ConfigureAwait(false);
                await client.LogoutAsync(ct).ConfigureAwait(false);
            }
            catch (Carteiro.Client.CarteiroCommandException)
            {
                // Already revoked (or the password changed): forgetting it is all that is left.
            }

            SavedLogin.Delete();
            Console.WriteLine($"signed out {saved.User}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Passwd()
    {
        var options = new ClientOptions();
        var command = new Command("passwd", "Change your password (old from CARTEIRO_PASSWORD or a prompt, new from CARTEIRO_NEW_PASSWORD or a prompt)");
        options.AddTo(command, json: false);
        command.SetAction((parse, ct) => ClientSession.GuardAsync(async () =>
        {
            var (host, port, saved) = ClientSession.Resolve(parse, options);
            string user = parse.GetValue(options.User) ?? Environment.GetEnvironmentVariable("CARTEIRO_USER") ?? saved?.User
                ?? throw new UsageException("give --user NAME (or CARTEIRO_USER)");
            string? old = Environment.GetEnvironmentVariable("CARTEIRO_PASSWORD");
            string? next = Environment.GetEnvironmentVariable("CARTEIRO_NEW_PASSWORD");
            if (string.IsNullOrEmpty(old) || string.IsNullOrEmpty(next))
            {
                if (Console.IsInputRedirected)
                {
                    throw new UsageException("set CARTEIRO_PASSWORD and CARTEIRO_NEW_PASSWORD, or run on a terminal to be asked");
                }

                old = string.IsNullOrEmpty(old) ? Prompt.ReadSecret("Current password: ") : old;
                next = string.IsNullOrEmpty(next) ? Prompt.ReadSecret("New password: ") : next;
                if (Environment.GetEnvironmentVariable("CARTEIRO_NEW_PASSWORD") is null && Prompt.ReadSecret("Again: ") != next)
                {
                    throw new UsageException("the two passwords differ");
                }
            }

            await using var client = await Carteiro.Client.CarteiroClient.ConnectAsync(host, port, cancellationToken: ct).ConfigureAwait(false);
            await client.LoginAsync(user, old, ct).ConfigureAwait(false);
            await client.ChangePasswordAsync(old, next, ct).ConfigureAwait(false);

            // The change revoked every token, the saved one too: save a fresh one if there was one.
            if (saved is not null && string.Equals(saved.User, user, StringComparison.OrdinalIgnoreCase))
            {
                string token = await client.CreateTokenAsync($"carteiro cli on {Environment.MachineName}", ct).ConfigureAwait(false);
                (saved with { Token = token }).Save();
            }

            await client.LogoutAsync(ct).ConfigureAwait(false);
            Console.WriteLine($"password of {user} changed; other saved logins were signed out");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
