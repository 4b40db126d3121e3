using Carteiro.Client;
using Carteiro.IntegrationTests.Support;
using Carteiro.TestKit;

namespace Carteiro.IntegrationTests;

/// <summary>A few end-to-end checks through the .NET client against a real server.</summary>
public sealed class CarteiroClientTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(15);
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task ThreeDevices_EachGetsTheMailEventAndFlagUpdates()
    {
        var bob = await _server.CreateUserAsync(UniqueName.Of("bob"));
        var alice = await _server.CreateUserAsync(UniqueName.Of("alice"));
        var devices = new List<CarteiroClient>();
        try
        {
            for (int i = 0; i < 3; i++)
            {
                devices.Add(await SignInAsync(bob.Name));
            }

            await using var sender = await SignInAsync(alice.Name);
            var sent = await sender.SendAsync(new OutgoingMail { To = [bob.Name], Subject = "to all my devices", Body = "hi" }, TestContext.Current.CancellationToken);

            var arrived = new List<MailSummary>();
            foreach (var device in devices)
            {
                arrived.Add((await NextAsync<MailEvent>(device, e => e.Message.MessageId == sent.MessageId)).Message);
            }

            long id = arrived[0].Id;
            await devices[0].FlagAsync(id, ["+flagged"], TestContext.Current.CancellationToken);
            foreach (var other in devices.Skip(1))
            {
                var update = await NextAsync<UpdateEvent>(other, e => e.Message.Id == id);
                Assert.True(update.Message.Flagged);
            }

            Assert.All(arrived, m => Assert.Equal(id, m.Id));
        }
        finally
        {
            foreach (var device in devices)
            {
                await device.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task ConcurrentSends_PipelinedOnOneConnection_AllStoredOnce()
    {
        const int Count = 300;
        var bob = await _server.CreateUserAsync(UniqueName.Of("bob"));
        var alice = await _server.CreateUserAsync(UniqueName.Of("alice"));
        await using var client = await SignInAsync(alice.Name);

        var results = await Task.WhenAll(Enumerable.Range(0, Count).Select(i => client.SendAsync(
            new OutgoingMail { To = [bob.Name], Subject = $"pipelined {i}", Body = $"body {i}", ClientId = $"pipe-{i}" },
            TestContext.Current.CancellationToken)));
        var retried = await client.SendAsync(new OutgoingMail { To = [bob.Name], Subject = "pipelined 7", Body = "body 7", ClientId = "pipe-7" }, TestContext.Current.CancellationToken);

        Assert.All(results, r => Assert.False(r.Duplicate));
        Assert.Equal(Count, results.Select(r => r.Id).Distinct().Count());
        Assert.True(retried.Duplicate);
        Assert.Equal(results[7].Id, retried.Id);
        await using var reader = await SignInAsync(bob.Name);
        var inbox = await reader.ListAsync(limit: 1000, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(Count, inbox.Total);
        Assert.Equal(results.Select(r => r.MessageId).Order(), inbox.Items.Select(i => i.MessageId).Order());
    }

    [Fact]
    public async Task Attachment_SentAndReadThroughTheClient_ByteExact()
    {
        var bob = await _server.CreateUserAsync(UniqueName.Of("bob"));
        var alice = await _server.CreateUserAsync(UniqueName.Of("alice"));
        byte[] content = new byte[300_000];
        new Random(3).NextBytes(content);
        await using var sender = await SignInAsync(alice.Name);
        await using var reader = await SignInAsync(bob.Name);

        var sent = await sender.SendAsync(new OutgoingMail
        {
            To = [bob.Name],
            Subject = "binary",
            Body = "line one\r\nline two \u00e9",
            Attachments = [new OutgoingAttachment("blob.bin", "application/octet-stream", content)],
        }, TestContext.Current.CancellationToken);
        var mail = await NextAsync<MailEvent>(reader, e => e.Message.MessageId == sent.MessageId);
        var message = await reader.ReadAsync(mail.Message.Id, attachments: true, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("line one\r\nline two \u00e9", message.Body);
        var attachment = Assert.Single(message.Attachments);
        Assert.Equal("blob.bin", attachment.Name);
        Assert.Equal(content, attachment.Content);
    }

    private async Task<CarteiroClient> SignInAsync(string user)
    {
        var client = await CarteiroClient.ConnectAsync(_server.Host, _server.Port, cancellationToken: TestContext.Current.CancellationToken);
        await client.LoginAsync(user, Passwords.Default, TestContext.Current.CancellationToken);
        return client;
    }

    private static Task<T> NextAsync<T>(CarteiroClient client, Func<T, bool> match)
        where T : ClientEvent => ClientEvents.NextAsync(client, match, EventTimeout);
}
