using Carteiro.IntegrationTests.Support;
using Carteiro.TestKit;

namespace Carteiro.IntegrationTests;

/// <summary>One account on three connections: every device hears about mail and changes made on the others.</summary>
public sealed class MultiDeviceTests(ServerFixture fixture) : IClassFixture<ServerFixture>, IAsyncLifetime
{
    private readonly TestServer _server = fixture.Server;
    private readonly List<Peer> _devices = [];
    private Peer _alice = null!;
    private long _message;

    public async ValueTask InitializeAsync()
    {
        var bob = await _server.CreateUserAsync(UniqueName.Of("bob"));
        for (int i = 0; i < 3; i++)
        {
            _devices.Add(await Peer.SignInAsync(_server, bob.Name));
        }

        _alice = await Peer.NewUserAsync(_server, "alice");
        _message = (await _alice.SendMailAsync(bob.Name, "for every device")).Json.Long("message");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var device in _devices)
        {
            await device.DisposeAsync();
        }

        await _alice.DisposeAsync();
    }

    [Fact]
    public async Task Send_ThreeDevices_EachReceivesTheMail()
    {
        var mails = new List<System.Text.Json.JsonElement>();
        foreach (var device in _devices)
        {
            mails.Add(await device.MailAsync(_message));
        }

        Assert.Single(mails.Select(m => m.Long("id")).Distinct());
        Assert.All(mails, m => Assert.Equal("for every device", m.Str("subject")));
    }

    [Fact]
    public async Task Send_FromOneDevice_OtherDevicesGetTheSentCopy()
    {
        await using var carol = await Peer.NewUserAsync(_server, "carol");

        var sent = (await _devices[0].SendMailAsync(carol.User, "sent from my phone")).Json;

        foreach (var other in _devices.Skip(1))
        {
            var copy = await other.MailAsync(sent.Long("message"), "Sent");
            Assert.Equal(sent.Long("id"), copy.Long("id"));
            Assert.Contains("seen", copy.Flags());
        }

        await carol.MailAsync(sent.Long("message"));
    }

    [Fact]
    public async Task Flag_FromOneDevice_PushedAsUpdateToTheOthers()
    {
        long id = (await _devices[0].MailAsync(_message)).Long("id");

        var flagged = (await _devices[0].CommandAsync($"FLAG {id} +flagged")).Json;

        Assert.Contains("flagged", flagged.Flags());
        foreach (var other in _devices.Skip(1))
        {
            var update = await other.EventAsync("UPDATE", u => u.Long("id") == id);
            Assert.Contains("flagged", update.Flags());
            Assert.Equal("Inbox", update.Str("folder"));
        }
    }

    [Fact]
    public async Task Delete_FromOneDevice_PushedAsUpdateIntoTrash()
    {
        long id = (await _devices[0].MailAsync(_message)).Long("id");

        var deleted = (await _devices[0].CommandAsync($"DELETE {id}")).Json;

        Assert.False(deleted.Bool("deleted"));
        Assert.Equal("Trash", deleted.Str("folder"));
        foreach (var other in _devices.Skip(1))
        {
            var update = await other.EventAsync("UPDATE", u => u.Long("id") == id);
            Assert.Equal("Trash", update.Str("folder"));
        }
    }

    [Fact]
    public async Task DeletePurge_FromOneDevice_PushedAsRemoved()
    {
        var mail = await _devices[0].MailAsync(_message);
        long id = mail.Long("id");

        var deleted = (await _devices[0].CommandAsync($"DELETE {id} PURGE")).Json;

        Assert.True(deleted.Bool("deleted"));
        foreach (var other in _devices.Skip(1))
        {
            var removed = await other.EventAsync("REMOVED", r => r.Long("id") == id);
            Assert.Equal("Inbox", removed.Str("folder"));
            Assert.Equal(mail.Long("uid"), removed.Long("uid"));
        }

        (await _devices[1].CommandAsync($"READ {id}")).AssertNo("no-such-message");
    }
}
