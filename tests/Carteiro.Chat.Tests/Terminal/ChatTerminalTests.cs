using System.Text.RegularExpressions;
using Carteiro.Client;

namespace Carteiro.Chat.Tests.Terminal;

/// <summary>
/// The real <c>carteiro chat</c> in tmux at 80×24 against the real <c>carteiro serve</c>: typed at
/// with send-keys, read with capture-pane.
/// </summary>
[Collection(ChatProcessCollection.Name)]
public sealed partial class ChatTerminalTests(ChatProcessFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MailSentFromTheCli_AppearsLive()
    {
        string ann = await fixture.RegisterAsync("ann");
        string bob = await fixture.RegisterAsync("bob");
        await using var chat = await fixture.StartChatAsync(ann);
        await WaitUntilReadyAsync(chat);

        var (exit, output) = await fixture.CliAsync(bob, "send", "--to", ann, "--subject", "Live from the CLI", "--body", "typed elsewhere");
        Assert.True(exit == 0, output);

        // The row, the count and the notice come in one redraw, but a capture can land while the
        // terminal is still receiving it: wait for all three rather than read them off the first.
        var row = new Regex(@"N\s+\d\d:\d\d\s+" + Regex.Escape(bob));
        await chat.WaitForAsync(
            s => s.Contains($"New mail from {bob}: Live from the CLI", StringComparison.Ordinal)
                && s.Contains("Inbox (1)", StringComparison.Ordinal)
                && row.IsMatch(s),
            "the new mail's notice, count and row");
    }

    [Fact]
    public async Task MailComposedInTheUi_ReachesTheRecipient()
    {
        string ann = await fixture.RegisterAsync("ann");

        // A name no other test's user starts with, so completing it has one answer.
        string bob = await fixture.RegisterAsync("bob" + Guid.NewGuid().ToString("N")[..6]);
        await using var chat = await fixture.StartChatAsync(ann);
        await WaitUntilReadyAsync(chat);

        await chat.KeysAsync("c");
        await chat.WaitForTextAsync("New message");

        // All but the last letter of the name, then Tab completes it from the server's names.
        await chat.TypeAsync(bob[..^1]);
        await chat.KeysAsync("Tab");
        await chat.WaitForTextAsync($"To:      {bob}, ");
        await chat.KeysAsync("Tab", "Tab", "Tab");
        await chat.TypeAsync("Written in the terminal");
        await chat.KeysAsync("Tab", "Tab");
        await chat.TypeAsync("Hello from carteiro chat.");
        await chat.KeysAsync("C-s");

        await chat.WaitForTextAsync($"sent to {bob}");
        await using var reader = await fixture.SignInAsync(bob);
        var mail = Assert.Single((await reader.ListAsync(cancellationToken: Ct)).Items);
        Assert.Equal((ann, "Written in the terminal"), (mail.From, mail.Subject));
        Assert.Equal("Hello from carteiro chat.", (await reader.ReadAsync(mail.Id, cancellationToken: Ct)).Body.Trim());
    }

    [Fact]
    public async Task ReplyInTheUi_ReachesTheSenderWithTheQuote()
    {
        // The reply form opens after the message is fetched (an await): typing, completing and
        // sending in it must still work.
        string ann = await fixture.RegisterAsync("ann");
        string bob = await fixture.RegisterAsync("bob");
        string carolName = "carol" + Guid.NewGuid().ToString("N")[..6];
        string carol = await fixture.RegisterAsync(carolName);
        await fixture.CliAsync(bob, "send", "--to", ann, "--subject", "Lunch?", "--body", "Noon at the usual place?");
        await using var chat = await fixture.StartChatAsync(ann);
        await WaitUntilReadyAsync(chat);
        await chat.WaitForTextAsync("Lunch?");

        await chat.KeysAsync("r");
        await chat.WaitForTextAsync("Reply — from");
        await chat.TypeAsync("Noon is fine.");
        await chat.KeysAsync("Tab", "Tab");
        await chat.TypeAsync(carol[..^1]);
        await chat.KeysAsync("Tab");
        await chat.WaitForTextAsync($"Cc:      {carol}, ");
        await chat.KeysAsync("C-s");
        await chat.WaitForTextAsync($"sent to {bob}, {carol}");

        await using var reader = await fixture.SignInAsync(bob);
        var reply = Assert.Single((await reader.ListAsync(cancellationToken: Ct)).Items);
        Assert.Equal("Re: Lunch?", reply.Subject);
        string body = (await reader.ReadAsync(reply.Id, cancellationToken: Ct)).Body.ReplaceLineEndings("\n");
        Assert.StartsWith("Noon is fine.", body, StringComparison.Ordinal);
        Assert.Contains("> Noon at the usual place?", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutCredentials_TheSignInFormSignsIn()
    {
        string ann = await fixture.RegisterAsync("ann");
        await using var chat = await fixture.StartChatAsync(user: null);

        await chat.WaitForTextAsync("Sign in");
        await chat.TypeAsync(ann);
        await chat.KeysAsync("Enter");
        await chat.TypeAsync(TestKit.Passwords.Default);
        await chat.KeysAsync("Enter");

        await WaitUntilReadyAsync(chat);
        Assert.Contains($"{ann}@", await chat.ScreenAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSignInForm_RegistersANewAccount()
    {
        string name = TestKit.UniqueName.Of("newcomer");
        await using var chat = await fixture.StartChatAsync(user: null);

        await chat.WaitForTextAsync("Sign in");
        await chat.TypeAsync(name);
        await chat.KeysAsync("Tab");
        await chat.TypeAsync("a long password");
        await chat.KeysAsync("F2");

        await WaitUntilReadyAsync(chat);
        await using var client = await fixture.ConnectAsync();
        Assert.Equal(name, (await client.LoginAsync(name, "a long password", Ct)).User);
    }

    [Fact]
    public async Task Quit_AsksWhenADraftIsUnsent()
    {
        string ann = await fixture.RegisterAsync("ann");
        await using var chat = await fixture.StartChatAsync(ann);
        await WaitUntilReadyAsync(chat);
        await chat.KeysAsync("c");
        await chat.WaitForTextAsync("New message");
        await chat.TypeAsync("someone");
        await chat.KeysAsync("Escape");
        await chat.WaitForTextAsync("draft kept");

        await chat.KeysAsync("q");
        await chat.WaitForTextAsync("Quit and lose it?");
        await chat.KeysAsync("Escape");
        await chat.WaitForAsync(s => !s.Contains("Quit and lose it?", StringComparison.Ordinal), "the question to go");

        await chat.KeysAsync("c");
        await chat.WaitForTextAsync("To:      someone");
    }

    [Fact]
    public async Task Quit_SaysGoodbye_AndOthersSeeItAtOnce()
    {
        string ann = await fixture.RegisterAsync("ann");
        string bob = await fixture.RegisterAsync("bob");
        await using var watcher = await fixture.SignInAsync(bob);
        await using var chat = await fixture.StartChatAsync(ann);
        await WaitUntilReadyAsync(chat);
        await NextPresenceAsync(watcher, ann, online: true);

        await chat.KeysAsync("q");

        await NextPresenceAsync(watcher, ann, online: false);
        await chat.WaitForTextAsync("[exited 0]");
    }

    [Fact]
    public async Task ClosingTheTerminal_IsSeenAsGoingOffline()
    {
        string ann = await fixture.RegisterAsync("ann");
        string bob = await fixture.RegisterAsync("bob");
        await using var watcher = await fixture.SignInAsync(bob);
        await using var chat = await fixture.StartChatAsync(ann);
        await WaitUntilReadyAsync(chat);
        await NextPresenceAsync(watcher, ann, online: true);

        await chat.CloseAsync();

        // Well within the server's 90 s idle timeout: the socket closed with the process.
        await NextPresenceAsync(watcher, ann, online: false);
    }

    [Fact]
    public async Task ServerRestart_StatusLineShowsIt_AndTheDraftIsSentAfterwards()
    {
        // A server of its own, killed outright and started again on the same port.
        string data = TestKit.TempFolder.Create("carteiro-chat-restart");
        var server = await Carteiro.IntegrationTests.Support.ServerProcess.StartAsync(data, Ct);
        int port = server.Native.Port;
        string address = $"{server.Native.Address}:{port}";
        try
        {
            string ann, bob;
            await using (var client = await Carteiro.Client.CarteiroClient.ConnectAsync(server.Native.Address.ToString(), port, cancellationToken: Ct))
            {
                ann = (await client.RegisterAsync(TestKit.UniqueName.Of("ann"), TestKit.Passwords.Default, Ct)).User;
            }

            await using (var client = await Carteiro.Client.CarteiroClient.ConnectAsync(server.Native.Address.ToString(), port, cancellationToken: Ct))
            {
                bob = (await client.RegisterAsync(TestKit.UniqueName.Of("bob"), TestKit.Passwords.Default, Ct)).User;
            }

            await using var chat = await fixture.StartChatAsync(address, ann);
            await WaitUntilReadyAsync(chat);
            await chat.KeysAsync("c");
            await chat.WaitForTextAsync("New message");
            await chat.TypeAsync(bob);
            await chat.KeysAsync("Tab");
            await chat.WaitForTextAsync($"To:      {bob}, ");
            await chat.KeysAsync("Tab", "Tab", "Tab");
            await chat.TypeAsync("Written before the outage");
            await chat.KeysAsync("Escape");
            await chat.WaitForTextAsync("draft kept");

            await server.KillAsync();
            await server.DisposeAsync();
            await chat.WaitForTextAsync("reconnecting");

            server = await Carteiro.IntegrationTests.Support.ServerProcess.StartAsync(data, Ct, port);
            await chat.WaitForTextAsync($"{ann}@{address}");
            await chat.KeysAsync("c");
            await chat.WaitForTextAsync("Subject: Written before the outage");
            await chat.KeysAsync("C-s");
            await chat.WaitForTextAsync($"sent to {bob}");

            await using var reader = await Carteiro.Client.CarteiroClient.ConnectAsync(server.Native.Address.ToString(), port, cancellationToken: Ct);
            await reader.LoginAsync(bob, TestKit.Passwords.Default, Ct);
            Assert.Equal("Written before the outage", Assert.Single((await reader.ListAsync(cancellationToken: Ct)).Items).Subject);
        }
        finally
        {
            await server.DisposeAsync();
            TestKit.TempFolder.Delete(data);
        }
    }

    [Fact]
    public async Task Resizing_RedrawsAtTheNewSize()
    {
        string ann = await fixture.RegisterAsync("ann");
        await using var chat = await fixture.StartChatAsync(ann);
        await WaitUntilReadyAsync(chat);

        await chat.ResizeAsync(120, 40);
        // The key line is whole (it ends in help) only at the new width: a capture taken while the
        // redraw is still arriving may hold its start alone, so the wait asks for both ends.
        await chat.WaitForAsync(
            s => Lines(s) is { Length: 40 } lines && lines[0].TrimEnd().Length == 120
                && lines[^1].StartsWith("c:compose", StringComparison.Ordinal) && lines[^1].TrimEnd().EndsWith("?:help", StringComparison.Ordinal),
            "a 120×40 screen with the whole key line");

        await chat.ResizeAsync(80, 24);
        await chat.WaitForAsync(s => Lines(s) is { Length: 24 } lines && lines[0].TrimEnd().Length == 80 && lines[^1].StartsWith("c:compose", StringComparison.Ordinal), "an 80×24 screen again");
    }

    [Fact]
    public async Task NoColor_DrawsWithoutAnyColour()
    {
        string ann = await fixture.RegisterAsync("ann");
        await using (var coloured = await fixture.StartChatAsync(ann))
        {
            await WaitUntilReadyAsync(coloured);

            // The control: without NO_COLOR the same screen has colours, so the check below means something.
            Assert.NotEmpty(Colours(await coloured.ScreenAsync(escapes: true)));
        }

        await using var plain = await fixture.StartChatAsync(ann, noColor: true);
        await WaitUntilReadyAsync(plain);
        await plain.KeysAsync("c");
        await plain.WaitForTextAsync("New message");

        Assert.Empty(Colours(await plain.ScreenAsync(escapes: true)));
    }

    private static Task<string> WaitUntilReadyAsync(Tmux chat) =>
        chat.WaitForAsync(s => s.Contains("Folders", StringComparison.Ordinal) && s.Contains("signed in as", StringComparison.Ordinal), "the main screen");

    private static string[] Lines(string screen) => screen.TrimEnd('\n').Split('\n');

    // Every SGR parameter that sets a foreground or background colour (39 and 49, "default", do not).
    private static List<string> Colours(string screen)
    {
        var found = new List<string>();
        foreach (Match sgr in Sgr().Matches(screen))
        {
            foreach (string parameter in sgr.Groups[1].Value.Split(';', StringSplitOptions.RemoveEmptyEntries))
            {
                if (int.TryParse(parameter, out int code) && code is (>= 30 and <= 38) or (>= 40 and <= 48) or (>= 90 and <= 97) or (>= 100 and <= 107))
                {
                    found.Add(sgr.Value.Replace("\e", "ESC", StringComparison.Ordinal));
                    break;
                }
            }
        }

        return found;
    }

    private static async Task NextPresenceAsync(CarteiroClient watcher, string user, bool online)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(Tmux.Patience);
        await foreach (var next in watcher.Events.ReadAllAsync(deadline.Token))
        {
            if (next is PresenceEvent presence && presence.User == user && presence.Online == online)
            {
                return;
            }
        }
    }

    [GeneratedRegex(@"\e\[([0-9;:]*)m")]
    private static partial Regex Sgr();
}
