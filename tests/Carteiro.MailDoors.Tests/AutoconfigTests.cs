using System.Xml.Linq;
using Carteiro.MailDoors.Tests.Support;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Carteiro.MailDoors.Tests;

/// <summary>Thunderbird's autoconfiguration: an address and a password are all a user has to type.</summary>
public sealed class AutoconfigTests(MailFixture fixture) : IClassFixture<MailFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private async Task<XElement> ProviderAsync(string path)
    {
        using var http = new HttpClient { BaseAddress = fixture.Server.HttpBase };
        using var answer = await http.GetAsync(new Uri(path + "?emailaddress=bob%40localhost", UriKind.Relative), Token);
        answer.EnsureSuccessStatusCode();
        Assert.Equal("application/xml", answer.Content.Headers.ContentType?.MediaType);
        var document = XDocument.Parse(await answer.Content.ReadAsStringAsync(Token));
        Assert.Equal("1.1", document.Root!.Attribute("version")?.Value);
        return document.Root.Element("emailProvider")!;
    }

    [Theory]
    [InlineData("/.well-known/autoconfig/mail/config-v1.1.xml")]
    [InlineData("/mail/config-v1.1.xml")]
    public async Task Document_DescribesEveryMailListener_MostSecureFirst(string path)
    {
        var provider = await ProviderAsync(path);

        Assert.Equal("localhost", provider.Element("domain")?.Value);
        static (string, int, string) Describe(XElement server) =>
            (server.Attribute("type")!.Value, int.Parse(server.Element("port")!.Value, System.Globalization.CultureInfo.InvariantCulture), server.Element("socketType")!.Value);
        var server = fixture.Server;
        Assert.Equal([("imap", server.Imaps.Port, "SSL"), ("imap", server.Imap.Port, "STARTTLS"), ("pop3", server.Pop3s.Port, "SSL"), ("pop3", server.Pop3.Port, "STARTTLS")],
            provider.Elements("incomingServer").Select(Describe));
        Assert.Equal([("smtp", server.Submissions.Port, "SSL"), ("smtp", server.Smtp.Port, "STARTTLS")], provider.Elements("outgoingServer").Select(Describe));
        Assert.All(provider.Elements().Where(e => e.Name.LocalName.EndsWith("Server", StringComparison.Ordinal)), e =>
        {
            Assert.Equal("127.0.0.1", e.Element("hostname")?.Value);
            Assert.Equal("%EMAILLOCALPART%", e.Element("username")?.Value);
            Assert.Equal("password-cleartext", e.Element("authentication")?.Value);
        });
    }

    [Fact]
    public async Task WhatItSays_Works_ForAMailProgram()
    {
        string alice = await fixture.UserAsync("alice");
        var outgoing = (await ProviderAsync("/.well-known/autoconfig/mail/config-v1.1.xml")).Elements("outgoingServer").First();
        using var smtp = new SmtpClient { ServerCertificateValidationCallback = (_, c, _, _) => c?.GetCertHashString() == fixture.Server.Certificate.GetCertHashString() };

        await smtp.ConnectAsync(outgoing.Element("hostname")!.Value, int.Parse(outgoing.Element("port")!.Value, System.Globalization.CultureInfo.InvariantCulture),
            outgoing.Element("socketType")!.Value == "SSL" ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls, Token);
        await smtp.AuthenticateAsync(outgoing.Element("username")!.Value.Replace("%EMAILLOCALPART%", alice, StringComparison.Ordinal), TestKit.Passwords.Default, Token);
        var letter = new MimeMessage { Subject = "configured automatically", Body = new TextPart("plain") { Text = "hi" } };
        letter.From.Add(MailboxAddress.Parse(fixture.Address(alice)));
        letter.To.Add(MailboxAddress.Parse(fixture.Address(alice)));
        await smtp.SendAsync(letter, Token);
        await smtp.DisconnectAsync(true, Token);

        // The first incoming server it names (IMAP) shows the letter.
        var incoming = (await ProviderAsync("/.well-known/autoconfig/mail/config-v1.1.xml")).Elements("incomingServer").First();
        using var imap = new ImapClient { ServerCertificateValidationCallback = (_, c, _, _) => c?.GetCertHashString() == fixture.Server.Certificate.GetCertHashString() };
        await imap.ConnectAsync(incoming.Element("hostname")!.Value, int.Parse(incoming.Element("port")!.Value, System.Globalization.CultureInfo.InvariantCulture),
            incoming.Element("socketType")!.Value == "SSL" ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls, Token);
        await imap.AuthenticateAsync(incoming.Element("username")!.Value.Replace("%EMAILLOCALPART%", alice, StringComparison.Ordinal), TestKit.Passwords.Default, Token);
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly, Token);
        var envelope = (await imap.Inbox.FetchAsync(0, -1, MessageSummaryItems.Envelope, Token)).Single().Envelope;
        Assert.Equal("configured automatically", envelope!.Subject);
        await imap.DisconnectAsync(true, Token);
    }
}
