using System.Text.Json;
using Carteiro.TestKit;

namespace Carteiro.IntegrationTests.Cli;

/// <summary><c>carteiro user …</c> on the data folder of a running server.</summary>
public sealed class UserCommandTests(CliFixture fixture) : IClassFixture<CliFixture>
{
    private TestServer Server => fixture.Server;

    // Only commands that hash a password take --password-iterations.
    private Task<CliResult> UserAsync(CliRunner cli, string? password, params string[] arguments) =>
        cli.RunAsync(["user", .. arguments, "--data", Server.DataPath, .. (password is null ? Array.Empty<string>() : ["--password-iterations", "1000"])],
            password is null ? null : new Dictionary<string, string> { ["CARTEIRO_PASSWORD"] = password }, null);

    private async Task<string> LoginReplyAsync(string user, string password)
    {
        await using var raw = await RawConnection.ConnectAsync(Server);
        return (await raw.CommandAsync($"t LOGIN {user} \"{password}\""))[^1];
    }

    [Fact]
    public async Task Add_WhileServerRuns_UserCanSignIn()
    {
        using var cli = new CliRunner(Server);
        string name = UniqueName.Of("operated");
        var added = await UserAsync(cli, "initial password", "add", name, "--admin");
        Assert.True(added.ExitCode == 0, added.Error);
        Assert.StartsWith("t OK {\"user\":\"" + name + "\",\"admin\":true}", await LoginReplyAsync(name, "initial password"), StringComparison.Ordinal);

        var list = await cli.RunAsync("user", "list", "--json", "--data", Server.DataPath);
        var entry = JsonDocument.Parse(list.Output).RootElement.EnumerateArray().Single(a => a.GetProperty("name").GetString() == name);
        Assert.True(entry.GetProperty("admin").GetBoolean());
    }

    [Fact]
    public async Task Add_ReservedOrTakenName_IsRefused()
    {
        using var cli = new CliRunner(Server);
        Assert.Equal(1, (await UserAsync(cli, "whatever password", "add", "postmaster")).ExitCode);
        var existing = await Server.CreateUserAsync(UniqueName.Of("taken"));
        var taken = await UserAsync(cli, "whatever password", "add", existing.Name.ToUpperInvariant());
        Assert.Equal(1, taken.ExitCode);
        Assert.Contains("name-taken", taken.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Passwd_ReplacesPassword()
    {
        using var cli = new CliRunner(Server);
        var account = await Server.CreateUserAsync(UniqueName.Of("forgetful"));
        Assert.Equal(0, (await UserAsync(cli, "reset by operator", "passwd", account.Name)).ExitCode);
        Assert.StartsWith("t NO auth-failed", await LoginReplyAsync(account.Name, Passwords.Default), StringComparison.Ordinal);
        Assert.StartsWith("t OK", await LoginReplyAsync(account.Name, "reset by operator"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Remove_AccountCanNoLongerSignIn()
    {
        using var cli = new CliRunner(Server);
        var account = await Server.CreateUserAsync(UniqueName.Of("leaving"));
        Assert.Equal(0, (await UserAsync(cli, null, "remove", account.Name)).ExitCode);
        Assert.StartsWith("t NO auth-failed", await LoginReplyAsync(account.Name, Passwords.Default), StringComparison.Ordinal);
        var again = await UserAsync(cli, null, "remove", account.Name);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("no-such-user", again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_GrantsAndRevokes()
    {
        using var cli = new CliRunner(Server);
        var account = await Server.CreateUserAsync(UniqueName.Of("promoted"));
        Assert.Equal(0, (await UserAsync(cli, null, "admin", account.Name)).ExitCode);
        Assert.Contains("\"admin\":true", await LoginReplyAsync(account.Name, Passwords.Default), StringComparison.Ordinal);
        Assert.Equal(0, (await UserAsync(cli, null, "admin", account.Name, "--revoke")).ExitCode);
        Assert.Contains("\"admin\":false", await LoginReplyAsync(account.Name, Passwords.Default), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_OnAFolderInUse_IsRefused()
    {
        using var cli = new CliRunner(Server);
        var result = await cli.RunAsync("serve", "--data", Server.DataPath, "--native", "127.0.0.1:0", "--http", "none", "--smtp", "none", "--pop3", "none", "--imap", "none");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("already using the data folder", result.Error, StringComparison.Ordinal);
    }
}
