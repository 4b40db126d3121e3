using Carteiro.Chat.Tests.Support;
using Carteiro.Chat.ViewModels;
using Carteiro.Client;
using Carteiro.TestKit;

namespace Carteiro.Chat.Tests.ViewModels;

/// <summary>A lost connection: the status line says so, a send fails at once, and the draft stays.</summary>
public sealed class ConnectionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ServerGoesAway_StatusSaysReconnecting_AndASendKeepsTheDraft()
    {
        // A server of its own: this test stops it.
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        string me = (await server.CreateUserAsync(UniqueName.Of("ann"))).Name;
        string bob = (await server.CreateUserAsync(UniqueName.Of("bob"))).Name;
        await using var chat = await ChatHarness.StartAsync(server, me);
        var draft = new Draft { To = bob, Subject = "written offline", Body = "every word" };
        await chat.RunAsync(m =>
        {
            m.Draft = draft;
            return Task.CompletedTask;
        });

        await server.StopAsync();

        await chat.WaitUntilAsync(m => m.Connection.State == ConnectionState.Reconnecting, "the connection reconnecting");
        Assert.Contains("reconnecting", await chat.GetAsync(m => m.Connection.Text), StringComparison.Ordinal);
        var compose = await chat.GetAsync(m => new ComposeViewModel(m.Client, m.Draft!, m.Connection));
        Assert.False(await chat.Ui.RunAsync(() => compose.SendAsync(Ct)));
        Assert.StartsWith("not sent: no connection", compose.Error, StringComparison.Ordinal);
        Assert.Same(draft, await chat.GetAsync(m => m.Draft));
        Assert.True(await chat.GetAsync(m => m.HasUnsentDraft));
        Assert.Equal("every word", draft.Body);
    }

    [Fact]
    public async Task WhileReconnecting_ActionsSayNotConnectedInsteadOfWaiting()
    {
        await using var server = await TestServer.StartAsync(cancellationToken: Ct);
        string me = (await server.CreateUserAsync(UniqueName.Of("ann"))).Name;
        await using var chat = await ChatHarness.StartAsync(server, me);

        await server.StopAsync();
        await chat.WaitUntilAsync(m => m.Connection.State == ConnectionState.Reconnecting, "the connection reconnecting");

        await chat.RunAsync(m => m.SearchAsync("anything")).WaitAsync(TimeSpan.FromSeconds(5), Ct);
        Assert.Equal("not connected: try again when the connection is back", await chat.GetAsync(m => m.Notice));
    }
}
