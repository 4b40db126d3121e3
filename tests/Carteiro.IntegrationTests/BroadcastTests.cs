using Carteiro.Core;
using Carteiro.IntegrationTests.Support;
using Carteiro.TestKit;

namespace Carteiro.IntegrationTests;

/// <summary>Mail to every account: SEND ALL and TO everyone, and the admins-only policy.</summary>
public sealed class BroadcastTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task SendAll_FiftyUsers_EveryInboxGetsItAndOnlineOnesArePushed()
    {
        var names = await _server.CreateUsersAsync(UniqueName.Of("crowd") + "x", 50);
        var online = new List<Peer>();
        try
        {
            foreach (string name in names.Take(30))
            {
                online.Add(await Peer.SignInAsync(_server, name));
            }

            await using var announcer = await Peer.NewUserAsync(_server, "announcer");
            var sent = (await announcer.CommandAsync("SEND ALL SUBJECT \"Fire drill\" BODY \"at noon\"")).Json;
            long message = sent.Long("message");

            foreach (var peer in online)
            {
                var mail = await peer.MailAsync(message);
                Assert.True(mail.Bool("everyone"));
                Assert.Equal(announcer.User, mail.Str("from"));
            }

            foreach (string name in names)
            {
                await using var check = await Peer.SignInAsync(_server, name);
                var list = await check.CommandAsync("LIST LIMIT 5");
                var folders = await check.CommandAsync("FOLDERS");
                Assert.Contains(list.Data("ITEM"), i => i.Long("message") == message && i.Str("subject") == "Fire drill");
                Assert.Equal(1, folders.Data("FOLDER").Single(f => f.Str("name") == "Inbox").Long("unread"));
            }
        }
        finally
        {
            foreach (var peer in online)
            {
                await peer.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task SendToEveryone_BroadcastsLikeSendAll()
    {
        await using var one = await Peer.NewUserAsync(_server, "listener");
        await using var two = await Peer.NewUserAsync(_server, "listener");
        await using var announcer = await Peer.NewUserAsync(_server, "announcer");

        var sent = (await announcer.CommandAsync("SEND TO everyone SUBJECT \"Coffee machine fixed\" BODY yay")).Json;

        Assert.True((await one.MailAsync(sent.Long("message"))).Bool("everyone"));
        Assert.True((await two.MailAsync(sent.Long("message"))).Bool("everyone"));
    }

    [Fact]
    public async Task SendAll_AdminsOnlyPolicy_NonAdminForbiddenAdminAllowed()
    {
        await using var server = await TestServer.StartAsync(o => o with { Broadcast = BroadcastPolicy.Admins }, cancellationToken: TestContext.Current.CancellationToken);
        await using var listener = await Peer.NewUserAsync(server, "listener");
        await using var member = await Peer.NewUserAsync(server, "member");
        var adminAccount = await server.CreateUserAsync(UniqueName.Of("boss"), admin: true);
        await using var admin = await Peer.ConnectAsync(server);
        var signedIn = (await admin.CommandAsync($"LOGIN {adminAccount.Name} {Json.Quote(Passwords.Default)}")).Json;

        var refused = await member.CommandAsync("SEND ALL SUBJECT hi BODY hi");
        var refusedToEveryone = await member.CommandAsync("SEND TO everyone SUBJECT hi BODY hi");
        var allowed = (await admin.CommandAsync("SEND ALL SUBJECT \"From the boss\" BODY hi")).Json;

        Assert.True(signedIn.Bool("admin"));
        refused.AssertNo("forbidden");
        refusedToEveryone.AssertNo("forbidden");
        Assert.Equal(allowed.Long("message"), (await listener.MailAsync(allowed.Long("message"))).Long("message"));
        var inbox = Assert.Single((await listener.CommandAsync("LIST")).Data("ITEM"));
        Assert.Equal("From the boss", inbox.Str("subject"));
    }
}
