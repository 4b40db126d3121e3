using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Carteiro.MailDoors.Tests.Support;
using Carteiro.TestKit;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Pop3;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Carteiro.MailDoors.Tests;

/// <summary>
/// The certificate `carteiro cert` writes, served by every mail door and checked by clients the
/// strict way: a chain to that certificate as the one trusted root, for the host name asked.
/// </summary>
public sealed class CarteiroCertTests : IAsyncLifetime
{
    private readonly string _data = TempFolder.Create("carteiro-cert");
    private X509Certificate2? _root;
    private TestServer? _server;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private TestServer Server => _server!;

    public async ValueTask InitializeAsync()
    {
        // The real command line, as an operator would run it; the server then finds the pair in its data folder.
        string carteiro = Path.Combine(AppContext.BaseDirectory, "carteiro.dll");
        string output = await Tools.RunAsync("dotnet", carteiro, "cert", "--host", "localhost", "--out", Path.Combine(_data, "tls"));
        Assert.Contains("localhost.crt.pem", output, StringComparison.Ordinal);
        _root = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(_data, "tls", "localhost.crt.pem"));
        _server = await TestServer.StartAsync(dataPath: _data, cancellationToken: Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _root?.Dispose();
    }

    // Strict: the name must match and the chain must end at the certificate carteiro cert made.
    private bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using var strict = new X509Chain();
        strict.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        strict.ChainPolicy.CustomTrustStore.Add(_root!);
        strict.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var presented = new X509Certificate2(certificate);
        return strict.Build(presented);
    }

    [Fact]
    public async Task Imap_OverImplicitTlsAndStartTls_TrustsTheCertificate()
    {
        var user = await Server.CreateUserAsync(UniqueName.Of("bob"));
        foreach (var (port, security) in new[] { (Server.Imaps.Port, SecureSocketOptions.SslOnConnect), (Server.Imap.Port, SecureSocketOptions.StartTls) })
        {
            using var imap = new ImapClient { ServerCertificateValidationCallback = Validate, Timeout = 15_000 };
            await imap.ConnectAsync("localhost", port, security, Token);
            await imap.AuthenticateAsync(user.Name, Passwords.Default, Token);
            await imap.Inbox.OpenAsync(FolderAccess.ReadOnly, Token);
            Assert.True(imap.IsSecure);
            await imap.DisconnectAsync(true, Token);
        }
    }

    [Fact]
    public async Task SmtpAndPop3_OverImplicitTlsAndStartTls_TrustTheCertificate()
    {
        var user = await Server.CreateUserAsync(UniqueName.Of("carol"));
        foreach (var (port, security) in new[] { (Server.Submissions.Port, SecureSocketOptions.SslOnConnect), (Server.Smtp.Port, SecureSocketOptions.StartTls) })
        {
            using var smtp = new SmtpClient { ServerCertificateValidationCallback = Validate, Timeout = 15_000 };
            await smtp.ConnectAsync("localhost", port, security, Token);
            await smtp.AuthenticateAsync(user.Name, Passwords.Default, Token);
            var note = new MimeMessage { Subject = "to myself", Body = new TextPart("plain") { Text = "over TLS" } };
            note.From.Add(MailboxAddress.Parse($"{user.Name}@{Server.Options.Domain}"));
            note.To.Add(MailboxAddress.Parse($"{user.Name}@{Server.Options.Domain}"));
            await smtp.SendAsync(note, Token);
            await smtp.DisconnectAsync(true, Token);
        }

        foreach (var (port, security) in new[] { (Server.Pop3s.Port, SecureSocketOptions.SslOnConnect), (Server.Pop3.Port, SecureSocketOptions.StartTls) })
        {
            using var pop3 = new Pop3Client { ServerCertificateValidationCallback = Validate, Timeout = 15_000 };
            await pop3.ConnectAsync("localhost", port, security, Token);
            await pop3.AuthenticateAsync(user.Name, Passwords.Default, Token);
            Assert.Equal(2, pop3.Count);
            await pop3.DisconnectAsync(true, Token);
        }
    }

    [Fact]
    public async Task AnotherHostName_IsNotTrusted()
    {
        using var imap = new ImapClient { ServerCertificateValidationCallback = Validate, Timeout = 15_000 };
        await Assert.ThrowsAsync<SslHandshakeException>(() => imap.ConnectAsync("127.0.0.1", Server.Imaps.Port, SecureSocketOptions.SslOnConnect, Token));
    }
}
