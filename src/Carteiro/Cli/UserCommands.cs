using System.CommandLine;
using System.Text.Json;
using Carteiro.Core;
using Carteiro.Core.Accounts;
using Carteiro.Core.Errors;
using Carteiro.Hosting;
using Carteiro.Storage.Sqlite;

namespace Carteiro.Cli;

/// <summary>
/// <c>carteiro user add|passwd|list|remove|admin</c>: operator commands that work on the data
/// folder directly. Safe while a server runs: SQLite serialises the writes between processes, and
/// the server reads accounts from the database rather than a cache.
/// </summary>
internal static class UserCommands
{
    public static Command Create()
    {
        var user = new Command("user", "Manage accounts in a data folder (works while the server runs)");
        user.Subcommands.Add(Add());
        user.Subcommands.Add(Passwd());
        user.Subcommands.Add(List());
        user.Subcommands.Add(Remove());
        user.Subcommands.Add(Admin());
        return user;
    }

    private static Argument<string> NameArgument() => new("name") { Description = "User name" };

    private static Command Add()
    {
        var data = ServerOptions.Data();
        var iterations = ServerOptions.PasswordIterations();
        var name = NameArgument();
        var admin = new Option<bool>("--admin") { Description = "Make the user an admin" };
        var command = new Command("add", "Create an account (password from CARTEIRO_PASSWORD, standard input or a prompt)") { name, admin, data, iterations };
        command.SetAction((parse, ct) => WithAccountsAsync(parse.GetValue(data)!, parse.GetValue(iterations), async (store, accounts) =>
        {
            string? password = ReadNewPassword();
            if (password is null)
            {
                return ServeCommand.Fail(ExitCodes.Usage, "give the password in CARTEIRO_PASSWORD, on standard input, or at the prompt");
            }

            var account = await accounts.CreateAsync(parse.GetValue(name)!, password, parse.GetValue(admin), ct).ConfigureAwait(false);
            Console.WriteLine($"created {account.Name}{(account.IsAdmin ? " (admin)" : "")}");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command Passwd()
    {
        var data = ServerOptions.Data();
        var iterations = ServerOptions.PasswordIterations();
        var name = NameArgument();
        var command = new Command("passwd", "Set a user's password (revokes their saved logins)") { name, data, iterations };
        command.SetAction((parse, ct) => WithAccountsAsync(parse.GetValue(data)!, parse.GetValue(iterations), async (store, accounts) =>
        {
            var account = await FindAsync(store, parse.GetValue(name)!, ct).ConfigureAwait(false);
            string? password = ReadNewPassword();
            if (password is null)
            {
                return ServeCommand.Fail(ExitCodes.Usage, "give the password in CARTEIRO_PASSWORD, on standard input, or at the prompt");
            }

            await accounts.SetPasswordAsync(account, password, ct).ConfigureAwait(false);
            Console.WriteLine($"password of {account.Name} changed");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command List()
    {
        var data = ServerOptions.Data();
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var command = new Command("list", "List accounts") { data, json };
        command.SetAction((parse, ct) => WithAccountsAsync(parse.GetValue(data)!, CarteiroOptions.Default.PasswordIterations, async (store, _) =>
        {
            var all = await store.ListAccountsAsync(ct).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                using var writer = new Utf8JsonWriter(Console.OpenStandardOutput(), new JsonWriterOptions { Indented = true });
                writer.WriteStartArray();
                foreach (var account in all)
                {
                    writer.WriteStartObject();
                    writer.WriteString("name", account.Name);
                    writer.WriteBoolean("admin", account.IsAdmin);
                    writer.WriteString("created", account.CreatedAt);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.Flush();
                Console.WriteLine();
                return ExitCodes.Ok;
            }

            foreach (var account in all)
            {
                Console.WriteLine($"{account.Name,-24} {(account.IsAdmin ? "admin" : "user"),-6} since {account.CreatedAt:yyyy-MM-dd}");
            }

            Console.WriteLine($"{all.Count} account{(all.Count == 1 ? "" : "s")}");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command Remove()
    {
        var data = ServerOptions.Data();
        var name = NameArgument();
        var command = new Command("remove", "Remove an account and its mail (messages others hold stay with them)") { name, data };
        command.SetAction((parse, ct) => WithAccountsAsync(parse.GetValue(data)!, CarteiroOptions.Default.PasswordIterations, async (store, _) =>
        {
            var account = await FindAsync(store, parse.GetValue(name)!, ct).ConfigureAwait(false);
            await store.RemoveAccountAsync(account.Id, ct).ConfigureAwait(false);
            Console.WriteLine($"removed {account.Name}");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static Command Admin()
    {
        var data = ServerOptions.Data();
        var name = NameArgument();
        var revoke = new Option<bool>("--revoke") { Description = "Take admin rights away instead" };
        var command = new Command("admin", "Make a user an admin") { name, revoke, data };
        command.SetAction((parse, ct) => WithAccountsAsync(parse.GetValue(data)!, CarteiroOptions.Default.PasswordIterations, async (store, _) =>
        {
            var account = await FindAsync(store, parse.GetValue(name)!, ct).ConfigureAwait(false);
            bool admin = !parse.GetValue(revoke);
            await store.SetAdminAsync(account.Id, admin, ct).ConfigureAwait(false);
            Console.WriteLine(admin ? $"{account.Name} is now an admin" : $"{account.Name} is no longer an admin");
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static async Task<Account> FindAsync(SqliteMailStore store, string name, CancellationToken cancellationToken)
    {
        var account = await store.FindAccountAsync(name, cancellationToken).ConfigureAwait(false);
        if (account is null)
        {
            Refuse.With(ErrorCode.NoSuchUser, $"no user named '{name}'");
        }

        return account;
    }

    private static async Task<int> WithAccountsAsync(string dataPath, int iterations, Func<SqliteMailStore, AccountService, Task<int>> work, CancellationToken cancellationToken)
    {
        try
        {
            using var data = DataFolder.Open(dataPath);
            await using var store = new SqliteMailStore(data.DatabasePath);
            await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
            using var accounts = new AccountService(store, CarteiroOptions.Default with { PasswordIterations = iterations }, new SignInThrottle(TimeProvider.System, CarteiroOptions.Default));
            return await work(store, accounts).ConfigureAwait(false);
        }
        catch (CarteiroException refusal)
        {
            return ServeCommand.Fail(ExitCodes.Refused, $"{refusal.Code.ToWire()}: {refusal.Message}");
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            return ServeCommand.Fail(ExitCodes.Failure, $"cannot use the data folder {dataPath}: {error.Message}");
        }
    }

    private static string? ReadNewPassword()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("CARTEIRO_PASSWORD");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }

        if (Console.IsInputRedirected)
        {
            return Console.In.ReadLine();
        }

        string first = Prompt.ReadSecret("New password: ");
        string second = Prompt.ReadSecret("Again: ");
        return first == second ? first : null;
    }
}
