using Carteiro.Client;
using Carteiro.TestKit;

namespace Carteiro.Chat.Tests.Support;

/// <summary>Accounts and mail made the quick way, through the client library.</summary>
internal static class Users
{
    public static async Task<string> CreateAsync(TestServer server, string prefix)
    {
        var account = await server.CreateUserAsync(UniqueName.Of(prefix));
        return account.Name;
    }

    public static async Task<CarteiroClient> SignInAsync(TestServer server, string user)
    {
        var client = await CarteiroClient.ConnectAsync(server.Host, server.Port, cancellationToken: TestContext.Current.CancellationToken);
        await client.LoginAsync(user, Passwords.Default, TestContext.Current.CancellationToken);
        return client;
    }

    public static async Task SendAsync(TestServer server, string from, OutgoingMail mail)
    {
        await using var client = await SignInAsync(server, from);
        await client.SendAsync(mail, TestContext.Current.CancellationToken);
    }
}
