using System.Text.Json;
using Carteiro.TestKit;

namespace Carteiro.IntegrationTests.Cli;

/// <summary>The <c>carteiro</c> command-line client, run as a real process against a real server.</summary>
public sealed class CliTests(CliFixture fixture) : IClassFixture<CliFixture>
{
    private const string Password = Passwords.Default;

    private TestServer Server => fixture.Server;

    private async Task<(string Alice, string Bob)> TwoUsersAsync()
    {
        var alice = await Server.CreateUserAsync(UniqueName.Of("alice"));
        var bob = await Server.CreateUserAsync(UniqueName.Of("bob"));
        return (alice.Name, bob.Name);
    }

    private static long SentId(CliResult result)
    {
        Assert.True(result.ExitCode == 0, result.Error);
        return JsonDocument.Parse(result.Output).RootElement.GetProperty("id").GetInt64();
    }

    [Fact]
    public async Task Register_CreatesAccountThatCanSignIn()
    {
        using var cli = new CliRunner(Server);
        string name = UniqueName.Of("newcomer");
        var registered = await cli.RunAsync(["register", "--user", name], new Dictionary<string, string> { ["CARTEIRO_PASSWORD"] = "a long password" }, null);
        Assert.Equal(0, registered.ExitCode);
        var inbox = await cli.AsAsync(name, "a long password", "inbox");
        Assert.Equal(0, inbox.ExitCode);
        Assert.Contains("Inbox: 0 messages", inbox.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_TakenName_ExitsOneWithTheCode()
    {
        using var cli = new CliRunner(Server);
        var (alice, _) = await TwoUsersAsync();
        var result = await cli.RunAsync(["register", "--user", alice.ToUpperInvariant()], new Dictionary<string, string> { ["CARTEIRO_PASSWORD"] = "a long password" }, null);
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("carteiro: name-taken:", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_SavesTokenNotPassword_ReadableOnlyByOwner()
    {
        using var cli = new CliRunner(Server);
        var (alice, _) = await TwoUsersAsync();
        var login = await cli.AsAsync(alice, Password, "login");
        Assert.Equal(0, login.ExitCode);
        string saved = await File.ReadAllTextAsync(cli.LoginFile, TestContext.Current.CancellationToken);
        Assert.DoesNotContain(Password, saved, StringComparison.Ordinal);
        Assert.Contains("crt_", saved, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(cli.LoginFile));
        }

        // The saved login is enough for the next command.
        var inbox = await cli.RunAsync("inbox");
        Assert.Equal(0, inbox.ExitCode);
    }

    [Fact]
    public async Task Logout_RevokesTheSavedToken()
    {
        using var cli = new CliRunner(Server);
        var (alice, _) = await TwoUsersAsync();
        await cli.AsAsync(alice, Password, "login");
        string token = JsonDocument.Parse(await File.ReadAllTextAsync(cli.LoginFile, TestContext.Current.CancellationToken)).RootElement.GetProperty("token").GetString()!;
        var logout = await cli.RunAsync("logout");
        Assert.Equal(0, logout.ExitCode);
        Assert.False(File.Exists(cli.LoginFile));

        await using var raw = await RawConnection.ConnectAsync(Server);
        var reply = await raw.CommandAsync($"t AUTH {token}");
        Assert.StartsWith("t NO auth-failed", reply[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotSignedIn_IsAUsageError()
    {
        using var cli = new CliRunner(Server);
        var result = await cli.RunAsync("inbox");
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("carteiro: not signed in", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_ThenRecipientListsAndReadsIt()
    {
        using var cli = new CliRunner(Server);
        var (alice, bob) = await TwoUsersAsync();
        var sent = await cli.AsAsync(alice, Password, "send", "--to", bob, "--subject", "Lunch?", "--body", "Noon, café?");
        Assert.Equal(0, sent.ExitCode);
        Assert.StartsWith("sent ", sent.Output, StringComparison.Ordinal);

        var inbox = await cli.AsAsync(bob, Password, "inbox", "--json");
        var items = JsonDocument.Parse(inbox.Output).RootElement.GetProperty("items");
        Assert.Equal(1, items.GetArrayLength());
        long id = items[0].GetProperty("id").GetInt64();

        var read = await cli.AsAsync(bob, Password, "read", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(0, read.ExitCode);
        Assert.Contains("Subject: Lunch?", read.Output, StringComparison.Ordinal);
        Assert.Contains("Noon, café?", read.Output, StringComparison.Ordinal);

        var unread = await cli.AsAsync(bob, Password, "inbox", "--unread", "--json");
        Assert.Equal(0, JsonDocument.Parse(unread.Output).RootElement.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Send_BodyFromStandardInput_WithAttachment_RoundTrips()
    {
        using var cli = new CliRunner(Server);
        var (alice, bob) = await TwoUsersAsync();
        string file = Path.Combine(cli.ConfigHome, "report.bin");
        byte[] content = [.. Enumerable.Range(0, 70_000).Select(i => (byte)(i * 31))];
        await File.WriteAllBytesAsync(file, content, TestContext.Current.CancellationToken);
        string body = "line one\nline two\n" + new string('z', 100_000);
        var sent = await cli.RunAsync(["send", "--to", bob, "--subject", "Report", "--attach", file, "--json"],
            new Dictionary<string, string> { ["CARTEIRO_USER"] = alice, ["CARTEIRO_PASSWORD"] = Password }, body);
        SentId(sent);

        var inbox = await cli.AsAsync(bob, Password, "inbox", "--json");
        long id = JsonDocument.Parse(inbox.Output).RootElement.GetProperty("items")[0].GetProperty("id").GetInt64();
        string downloads = Path.Combine(cli.ConfigHome, "downloads");
        var read = await cli.AsAsync(bob, Password, "read", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--save-attachments", downloads, "--json");
        Assert.Equal(0, read.ExitCode);
        Assert.Equal(body, JsonDocument.Parse(read.Output).RootElement.GetProperty("body").GetString());
        Assert.Equal(content, await File.ReadAllBytesAsync(Path.Combine(downloads, "report.bin"), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Send_UnknownRecipients_NamesThemAndExitsOne()
    {
        using var cli = new CliRunner(Server);
        var (alice, bob) = await TwoUsersAsync();
        var result = await cli.AsAsync(alice, Password, "send", "--to", $"{bob},nobody1,nobody2", "--body", "x");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("unknown-recipient", result.Error, StringComparison.Ordinal);
        Assert.Contains("nobody1", result.Error, StringComparison.Ordinal);
        Assert.Contains("nobody2", result.Error, StringComparison.Ordinal);
        var inbox = await cli.AsAsync(bob, Password, "inbox", "--json");
        Assert.Equal(0, JsonDocument.Parse(inbox.Output).RootElement.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Send_WithoutRecipients_IsAUsageError()
    {
        using var cli = new CliRunner(Server);
        var (alice, _) = await TwoUsersAsync();
        var result = await cli.AsAsync(alice, Password, "send", "--body", "x");
        Assert.Equal(2, result.ExitCode);
    }

    [Fact]
    public async Task Send_SameIdTwice_SendsOnce()
    {
        using var cli = new CliRunner(Server);
        var (alice, bob) = await TwoUsersAsync();
        long first = SentId(await cli.AsAsync(alice, Password, "send", "--to", bob, "--id", "retry-1", "--body", "once", "--json"));
        var second = await cli.AsAsync(alice, Password, "send", "--to", bob, "--id", "retry-1", "--body", "once", "--json");
        Assert.Equal(first, SentId(second));
        Assert.True(JsonDocument.Parse(second.Output).RootElement.GetProperty("duplicate").GetBoolean());
        var inbox = await cli.AsAsync(bob, Password, "inbox", "--json");
        Assert.Equal(1, JsonDocument.Parse(inbox.Output).RootElement.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Bcc_IsSeenOnlyBySender()
    {
        using var cli = new CliRunner(Server);
        var (alice, bob) = await TwoUsersAsync();
        var carol = (await Server.CreateUserAsync(UniqueName.Of("carol"))).Name;
        SentId(await cli.AsAsync(alice, Password, "send", "--to", bob, "--bcc", carol, "--body", "psst", "--json"));
        var bobsView = JsonDocument.Parse((await cli.AsAsync(bob, Password, "inbox", "--json")).Output).RootElement.GetProperty("items")[0];
        Assert.Equal(0, bobsView.GetProperty("bcc").GetArrayLength());
        var carolsView = JsonDocument.Parse((await cli.AsAsync(carol, Password, "inbox", "--json")).Output).RootElement.GetProperty("items")[0];
        Assert.Equal(0, carolsView.GetProperty("bcc").GetArrayLength());
        var sentView = JsonDocument.Parse((await cli.AsAsync(alice, Password, "inbox", "--folder", "Sent", "--json")).Output).RootElement.GetProperty("items")[0];
        Assert.Equal(carol, sentView.GetProperty("bcc")[0].GetString());
    }

    [Fact]
    public async Task ReplyAll_KeepsThreadAndAddressesEveryoneButMe()
    {
        using var cli = new CliRunner(Server);
        var (alice, bob) = await TwoUsersAsync();
        var carol = (await Server.CreateUserAsync(UniqueName.Of("carol"))).Name;
        SentId(await cli.AsAsync(alice, Password, "send", "--to", bob, "--cc", carol, "--subject", "Plan", "--body", "thoughts?", "--json"));
        long bobsCopy = JsonDocument.Parse((await cli.AsAsync(bob, Password, "inbox", "--json")).Output).RootElement.GetProperty("items")[0].GetProperty("id").GetInt64();
        SentId(await cli.AsAsync(bob, Password, "reply", bobsCopy.ToString(System.Globalization.CultureInfo.InvariantCulture), "--all", "--body", "agreed", "--json"));

        var reply = JsonDocument.Parse((await cli.AsAsync(carol, Password, "inbox", "--json")).Output).RootElement.GetProperty("items")[0];
        Assert.Equal("Re: Plan", reply.GetProperty("subject").GetString());
        Assert.Equal(bob, reply.GetProperty("from").GetString());
        Assert.Equal(alice, reply.GetProperty("to")[0].GetString());
        Assert.Equal(carol, reply.GetProperty("cc")[0].GetString());
        Assert.NotEqual(JsonValueKind.Null, reply.GetProperty("inReplyTo").ValueKind);
        var original = JsonDocument.Parse((await cli.AsAsync(alice, Password, "inbox", "--folder", "Sent", "--json")).Output).RootElement.GetProperty("items")[0];
        Assert.Equal(original.GetProperty("thread").GetInt64(), reply.GetProperty("thread").GetInt64());
    }

    [Fact]
    public async Task MarkMoveDeleteSearch_WorkOnOwnMail()
    {
        using var cli = new CliRunner(Server);
        var (alice, bob) = await TwoUsersAsync();
        SentId(await cli.AsAsync(alice, Password, "send", "--to", bob, "--subject", "Quarterly figures", "--body", "see the zeppelin numbers", "--json"));
        string id = JsonDocument.Parse((await cli.AsAsync(bob, Password, "inbox", "--json")).Output).RootElement.GetProperty("items")[0].GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);

        var flagged = await cli.AsAsync(bob, Password, "mark", id, "--flag", "--read", "--json");
        var flags = JsonDocument.Parse(flagged.Output).RootElement.GetProperty("flags").EnumerateArray().Select(f => f.GetString()).ToList();
        Assert.Contains("flagged", flags);
        Assert.Contains("seen", flags);

        var found = await cli.AsAsync(bob, Password, "search", "zeppelin", "--json");
        Assert.Equal(1, JsonDocument.Parse(found.Output).RootElement.GetArrayLength());

        var deleted = await cli.AsAsync(bob, Password, "delete", id);
        Assert.Contains("moved", deleted.Output, StringComparison.Ordinal);
        var trash = await cli.AsAsync(bob, Password, "inbox", "--folder", "Trash", "--json");
        Assert.Equal(1, JsonDocument.Parse(trash.Output).RootElement.GetProperty("total").GetInt32());

        var moved = await cli.AsAsync(bob, Password, "move", id, "Inbox");
        Assert.Equal(0, moved.ExitCode);
        var purged = await cli.AsAsync(bob, Password, "delete", id, "--purge");
        Assert.Contains("for good", purged.Output, StringComparison.Ordinal);
        var gone = await cli.AsAsync(bob, Password, "read", id);
        Assert.Equal(1, gone.ExitCode);
        Assert.Contains("no-such-message", gone.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAll_ReachesEveryAccount()
    {
        using var cli = new CliRunner(Server);
        var (alice, bob) = await TwoUsersAsync();
        SentId(await cli.AsAsync(alice, Password, "send", "--all", "--subject", "Maintenance tonight", "--json"));
        var inbox = JsonDocument.Parse((await cli.AsAsync(bob, Password, "inbox", "--json")).Output).RootElement.GetProperty("items");
        Assert.Contains(inbox.EnumerateArray(), item => item.GetProperty("subject").GetString() == "Maintenance tonight" && item.GetProperty("everyone").GetBoolean());
    }

    [Fact]
    public async Task Who_ListsOnlineUsers()
    {
        using var cli = new CliRunner(Server);
        var (alice, bob) = await TwoUsersAsync();
        await using var online = await RawConnection.LoginAsync(Server, bob);
        var who = await cli.AsAsync(alice, Password, "who", "--json");
        var names = JsonDocument.Parse(who.Output).RootElement.EnumerateArray().Select(u => u.GetProperty("name").GetString()).ToList();
        Assert.Contains(bob, names);
    }

    [Fact]
    public async Task Watch_PrintsMailAsItArrives()
    {
        using var cli = new CliRunner(Server);
        var (alice, bob) = await TwoUsersAsync();
        using var watch = cli.Start(["watch", "--json"], new Dictionary<string, string> { ["CARTEIRO_USER"] = bob, ["CARTEIRO_PASSWORD"] = Password });
        try
        {
            // Wait until bob's watch session is online before sending.
            await using (var probe = await RawConnection.LoginAsync(Server, alice))
            {
                for (int i = 0; i < 100; i++)
                {
                    var who = await probe.CommandAsync("w WHO");
                    if (who.Any(line => line.Contains($"\"name\":\"{bob}\"", StringComparison.Ordinal)))
                    {
                        break;
                    }

                    await Task.Delay(100, TestContext.Current.CancellationToken);
                }
            }

            SentId(await cli.AsAsync(alice, Password, "send", "--to", bob, "--subject", "live one", "--json"));
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            while (true)
            {
                string? line = await watch.StandardOutput.ReadLineAsync(timeout.Token);
                Assert.NotNull(line);
                var json = JsonDocument.Parse(line).RootElement;
                if (json.GetProperty("event").GetString() == "mail")
                {
                    Assert.Equal("live one", json.GetProperty("message").GetProperty("subject").GetString());
                    break;
                }
            }
        }
        finally
        {
            watch.Kill();
        }
    }

    [Fact]
    public async Task Passwd_ChangesPassword()
    {
        using var cli = new CliRunner(Server);
        var (alice, _) = await TwoUsersAsync();
        var changed = await cli.RunAsync(["passwd", "--user", alice], new Dictionary<string, string>
        {
            ["CARTEIRO_PASSWORD"] = Password,
            ["CARTEIRO_NEW_PASSWORD"] = "a brand new secret",
        }, null);
        Assert.Equal(0, changed.ExitCode);
        Assert.Equal(1, (await cli.AsAsync(alice, Password, "inbox")).ExitCode);
        Assert.Equal(0, (await cli.AsAsync(alice, "a brand new secret", "inbox")).ExitCode);
    }

    [Fact]
    public async Task WrongPassword_ExitsOneWithAuthFailed()
    {
        using var cli = new CliRunner(Server);
        var (alice, _) = await TwoUsersAsync();
        var result = await cli.AsAsync(alice, "not the password", "inbox");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("carteiro: auth-failed: wrong user name or password", result.Error.Trim());
    }

    [Fact]
    public async Task UnreachableServer_ExitsThree()
    {
        using var cli = new CliRunner(Server);
        var result = await cli.RunAsync(["inbox", "--server", "127.0.0.1:1"], new Dictionary<string, string> { ["CARTEIRO_USER"] = "x", ["CARTEIRO_PASSWORD"] = "y" }, null);
        Assert.Equal(3, result.ExitCode);
        Assert.StartsWith("carteiro: cannot connect", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownOption_ExitsTwo()
    {
        using var cli = new CliRunner(Server);
        var result = await cli.RunAsync("inbox", "--no-such-option");
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith("carteiro: ", result.Error, StringComparison.Ordinal);
    }
}
