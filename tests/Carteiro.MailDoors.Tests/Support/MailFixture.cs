using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Carteiro.Client;
using Carteiro.Core;
using Carteiro.TestKit;
using MailKit.Net.Imap;
using MailKit.Net.Pop3;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace Carteiro.MailDoors.Tests.Support;

/// <summary>
/// A server shared by a test class, with helpers for its mail doors: MailKit clients that trust
/// exactly this server's certificate, native clients to watch what arrives, and addresses.
/// </summary>
public class MailFixture : TestServerFixture
{
    public string Domain => Server.Options.Domain;

    public string Address(string user) => $"{user}@{Domain}";

    /// <summary>Makes an account with a unique name from <paramref name="prefix"/>.</summary>
    public async Task<string> UserAsync(string prefix) => (await Server.CreateUserAsync(UniqueName.Of(prefix))).Name;

    /// <summary>A native client signed in as <paramref name="user"/>, to see what the other doors did.</summary>
    public async Task<CarteiroClient> NativeAsync(string user)
    {
        var client = await CarteiroClient.ConnectAsync(Server.Host, Server.Port, cancellationToken: TestContext.Current.CancellationToken);
        await client.LoginAsync(user, Passwords.Default, TestContext.Current.CancellationToken);
        return client;
    }

    /// <summary>
    /// A MailKit SMTP client connected to the submission port (<paramref name="security"/>:
    /// None, StartTls or SslOnConnect on the implicit TLS port) and, unless told otherwise,
    /// signed in as <paramref name="user"/>.
    /// </summary>
    public Task<SmtpClient> SmtpAsync(string? user, SecureSocketOptions security = SecureSocketOptions.None, string password = Passwords.Default) =>
        ConnectAsync(new SmtpClient(), security == SecureSocketOptions.SslOnConnect ? Server.Submissions : Server.Smtp, security, user, password);

    /// <summary>
    /// A MailKit IMAP client connected to the IMAP port (<paramref name="security"/>: None,
    /// StartTls, or SslOnConnect on the implicit TLS port) and signed in as <paramref name="user"/>.
    /// </summary>
    public Task<ImapClient> ImapAsync(string? user, SecureSocketOptions security = SecureSocketOptions.None, string password = Passwords.Default) =>
        ConnectAsync(new ImapClient(), security == SecureSocketOptions.SslOnConnect ? Server.Imaps : Server.Imap, security, user, password);

    /// <summary>A MailKit POP3 client connected like <see cref="ImapAsync"/>, to the POP3 ports.</summary>
    public Task<Pop3Client> Pop3Async(string? user, SecureSocketOptions security = SecureSocketOptions.None, string password = Passwords.Default) =>
        ConnectAsync(new Pop3Client(), security == SecureSocketOptions.SslOnConnect ? Server.Pop3s : Server.Pop3, security, user, password);

    // Any MailKit client: trusting only this server, connected, and signed in unless user is null.
    private async Task<T> ConnectAsync<T>(T client, System.Net.IPEndPoint endpoint, SecureSocketOptions security, string? user, string password)
        where T : MailKit.MailService
    {
        client.Timeout = 15_000;
        client.ServerCertificateValidationCallback = TrustsOnlyThisServer;
        await client.ConnectAsync(endpoint.Address.ToString(), endpoint.Port, security, TestContext.Current.CancellationToken);
        if (user is not null)
        {
            await client.AuthenticateAsync(user, password, TestContext.Current.CancellationToken);
        }

        return client;
    }

    // Pinned: the one certificate this server was started with, whatever the host name.
    private bool TrustsOnlyThisServer(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        certificate is not null && certificate.GetCertHashString() == Server.Certificate.GetCertHashString();
}

/// <summary>A server with small limits: messages of at most 64 KiB, 4 connections per address.</summary>
public sealed class SmallMessagesFixture : MailFixture
{
    public const long MaxMessageSize = 64 * 1024;

    public const int MaxConnections = 4;

    protected override CarteiroOptions Configure(CarteiroOptions options) => options with { MaxMessageSize = MaxMessageSize, MaxConnectionsPerAddress = MaxConnections };
}
