using Carteiro.Client;
using Carteiro.MailDoors.Tests.Support;
using Carteiro.TestKit;

namespace Carteiro.MailDoors.Tests;

/// <summary>
/// The mail programs people already have, run as they would run them: curl and Python's smtplib,
/// over STARTTLS and implicit TLS, trusting the certificate file the server was given.
/// (.ci/run installs curl and python3 when they are missing.)
/// </summary>
public sealed class SmtpToolTests(MailFixture fixture) : IClassFixture<MailFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Theory]
    [InlineData("smtp", true)]
    [InlineData("smtps", false)]
    public async Task Curl_SubmitsOverTls(string scheme, bool startTls)
    {
        string alice = await fixture.UserAsync("alice");
        string bob = await fixture.UserAsync("bob");
        await using var bobsDevice = await fixture.NativeAsync(bob);
        int port = startTls ? fixture.Server.Smtp.Port : fixture.Server.Submissions.Port;
        string letter = Path.Combine(fixture.Server.DataPath, $"letter-{scheme}.txt");
        await File.WriteAllTextAsync(letter, $"From: {fixture.Address(alice)}\r\nTo: {fixture.Address(bob)}\r\nSubject: curl {scheme}\r\n\r\nSent with curl.\r\n", TestContext.Current.CancellationToken);

        await Tools.RunAsync("curl", "--silent", "--show-error", "--url", $"{scheme}://localhost:{port}", "--resolve", $"localhost:{port}:127.0.0.1",
            "--ssl-reqd", "--cacert", fixture.Server.CertificatePath, "--user", $"{alice}:{Passwords.Default}",
            "--mail-from", fixture.Address(alice), "--mail-rcpt", fixture.Address(bob), "--upload-file", letter);

        var arrived = await ClientEvents.NextAsync<MailEvent>(bobsDevice, e => e.Message.Subject == $"curl {scheme}", Patience);
        Assert.Equal(alice, arrived.Message.From);
    }

    [Fact]
    public async Task PythonSmtplib_StartTlsAndImplicitTls_WithAnAttachment()
    {
        string alice = await fixture.UserAsync("alice");
        string bob = await fixture.UserAsync("bob");
        await using var bobsDevice = await fixture.NativeAsync(bob);
        const string Script = """
            import smtplib, ssl, sys
            from email.message import EmailMessage
            host, starttls_port, tls_port, cafile, user, password, to = sys.argv[1:8]
            context = ssl.create_default_context(cafile=cafile)
            def letter(subject):
                m = EmailMessage()
                m['From'] = user + '@localhost'
                m['To'] = to
                m['Subject'] = subject
                m.set_content('Olá from smtplib')
                m.add_attachment(bytes(range(256)) * 4, maintype='application', subtype='octet-stream', filename='bytes.bin')
                return m
            with smtplib.SMTP(host, int(starttls_port), timeout=10) as s:
                s.starttls(context=context)
                s.login(user, password)
                s.send_message(letter('smtplib starttls'))
            with smtplib.SMTP_SSL(host, int(tls_port), context=context, timeout=10) as s:
                s.login(user + '@localhost', password)
                refused = s.send_message(letter('smtplib implicit'), to_addrs=[to, 'nobody-here@localhost'])
                print(refused)
            """;

        string output = await Tools.RunAsync("python3", "-c", Script, "localhost", Tools.Port(fixture.Server.Smtp),
            Tools.Port(fixture.Server.Submissions), fixture.Server.CertificatePath, alice, Passwords.Default, fixture.Address(bob));

        // smtplib reports recipients refused while others were accepted.
        Assert.Contains("'nobody-here@localhost': (550, b'5.1.1", output, StringComparison.Ordinal);
        foreach (string subject in new[] { "smtplib starttls", "smtplib implicit" })
        {
            var arrived = await ClientEvents.NextAsync<MailEvent>(bobsDevice, e => e.Message.Subject == subject, Patience);
            var read = await bobsDevice.ReadAsync(arrived.Message.Id, attachments: true, cancellationToken: TestContext.Current.CancellationToken);
            Assert.Equal("Olá from smtplib", read.Body.Trim());
            Assert.Equal(Enumerable.Range(0, 1024).Select(i => (byte)(i % 256)), Assert.Single(read.Attachments).Content!);
        }
    }
}
