using Carteiro.Chat.Session;
using Carteiro.Chat.ViewModels;
using Carteiro.Client;
using Carteiro.TestKit;

namespace Carteiro.Chat.Tests.Support;

/// <summary>
/// One signed-in user's main screen without the screen: a real client (reconnecting, as the app
/// uses it) against a real server, the <see cref="MailboxViewModel"/> on a <see cref="UiThread"/>,
/// and the real event pump feeding it.
/// </summary>
internal sealed class ChatHarness : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _pump = new();

    private ChatHarness(UiThread ui, CarteiroClient client, MailboxViewModel mailbox)
    {
        Ui = ui;
        Client = client;
        Mailbox = mailbox;
    }

    public UiThread Ui { get; }

    public CarteiroClient Client { get; }

    public MailboxViewModel Mailbox { get; }

    public string User => Mailbox.Me;

    public static async Task<ChatHarness> StartAsync(TestServer server, string user)
    {
        var client = await CarteiroClient.ConnectAsync(server.Host, server.Port, new CarteiroClientOptions { Reconnect = true }, TestContext.Current.CancellationToken);
        await client.LoginAsync(user, Passwords.Default, TestContext.Current.CancellationToken);
        var ui = new UiThread();
        var mailbox = await ui.GetAsync(() => new MailboxViewModel(client, $"{server.Host}:{server.Port}"));
        var harness = new ChatHarness(ui, client, mailbox);
        _ = EventPump.RunAsync(client, ui.Context, mailbox, harness._pump.Token);
        await ui.RunAsync(() => mailbox.StartAsync());
        return harness;
    }

    public Task RunAsync(Func<MailboxViewModel, Task> action) => Ui.RunAsync(() => action(Mailbox));

    public Task<T> GetAsync<T>(Func<MailboxViewModel, T> read) => Ui.GetAsync(() => read(Mailbox));

    public Task WaitUntilAsync(Func<MailboxViewModel, bool> condition, string what) => Ui.WaitUntilAsync(() => condition(Mailbox), Timeout, what);

    /// <summary>Selects the message with <paramref name="subject"/> in the list, as the arrow keys would.</summary>
    public Task SelectAsync(string subject) => RunAsync(m =>
    {
        int index = m.Messages.Items.ToList().FindIndex(s => s.Subject == subject);
        Assert.True(index >= 0, $"no message '{subject}' in the list");
        m.Messages.SelectedIndex = index;
        return Task.CompletedTask;
    });

    public async ValueTask DisposeAsync()
    {
        await _pump.CancelAsync();
        await Client.DisposeAsync();
        Ui.Dispose();
        _pump.Dispose();
    }
}
