using Carteiro.TestKit;

namespace Carteiro.IntegrationTests.Support;

/// <summary>Two signed-in users who check that mail still flows while a test abuses the server.</summary>
internal sealed class Bystanders : IAsyncDisposable
{
    private Bystanders(Peer sender, Peer receiver)
    {
        Sender = sender;
        Receiver = receiver;
    }

    public Peer Sender { get; }

    public Peer Receiver { get; }

    public static async Task<Bystanders> SignInAsync(TestServer server) =>
        new(await Peer.NewUserAsync(server, "calm"), await Peer.NewUserAsync(server, "steady"));

    /// <summary>Sends a mail from one to the other and asserts it is acknowledged and pushed.</summary>
    public async Task AssertMailFlowsAsync()
    {
        string subject = $"still here {Guid.NewGuid():N}";
        var sent = (await Sender.SendMailAsync(Receiver.User, subject)).Json;
        var mail = await Receiver.MailAsync(sent.Long("message"));
        Assert.Equal(subject, mail.Str("subject"));
        Assert.Equal(Sender.User, mail.Str("from"));
    }

    public async ValueTask DisposeAsync()
    {
        await Sender.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}
