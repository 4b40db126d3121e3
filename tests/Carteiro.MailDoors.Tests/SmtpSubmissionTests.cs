using System.Text;
using Carteiro.Client;
using Carteiro.MailDoors.Tests.Support;
using Carteiro.TestKit;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Carteiro.MailDoors.Tests;

/// <summary>SMTP submission with MailKit's SmtpClient: what Thunderbird-like clients do.</summary>
public sealed class SmtpSubmissionTests(MailFixture fixture) : IClassFixture<MailFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private MimeMessage Letter(string from, string to, string subject, string text = "Hello over SMTP.")
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(fixture.Address(from)));
        message.To.Add(MailboxAddress.Parse(fixture.Address(to)));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = text };
        return message;
    }

    [Fact]
    public async Task Submission_ReachesTheRecipientLive_AndIsFiledInTheSendersSent()
    {
        string alice = await fixture.UserAsync("alice");
        string bob = await fixture.UserAsync("bob");
        await using var bobsDevice = await fixture.NativeAsync(bob);
        await using var alicesDevice = await fixture.NativeAsync(alice);
        using var smtp = await fixture.SmtpAsync(alice);
        var letter = Letter(alice, bob, "Olá over SMTP ✓", "Três linhas\r\nde texto\r\n.com um ponto no início");

        await smtp.SendAsync(letter, Token);

        var arrived = await ClientEvents.NextAsync<MailEvent>(bobsDevice, e => e.Message.Subject == "Olá over SMTP ✓", Patience);
        Assert.Equal(alice, arrived.Message.From);
        Assert.Equal([bob], arrived.Message.To);
        var read = await bobsDevice.ReadAsync(arrived.Message.Id, cancellationToken: Token);
        Assert.Equal("Três linhas\nde texto\n.com um ponto no início", read.Body.TrimEnd().ReplaceLineEndings("\n"));
        Assert.Equal($"<{letter.MessageId}>", read.MessageIdHeader);

        var sent = await alicesDevice.ListAsync("Sent", cancellationToken: Token);
        Assert.Contains(sent.Items, m => m.MessageId == arrived.Message.MessageId);

        // The stored document is the submitted one: MailKit's own bytes come back.
        byte[] raw = await bobsDevice.RawAsync(arrived.Message.Id, Token);
        using var stored = MimeMessage.Load(new MemoryStream(raw), Token);
        Assert.Equal(letter.MessageId, stored.MessageId);
        Assert.Equal(letter.Subject, stored.Subject);
        await smtp.DisconnectAsync(true, Token);
    }

    [Theory]
    [InlineData(SecureSocketOptions.StartTls)]
    [InlineData(SecureSocketOptions.SslOnConnect)]
    public async Task Tls_StartTlsAndImplicit_CarryTheSubmission(SecureSocketOptions security)
    {
        string alice = await fixture.UserAsync("alice");
        string bob = await fixture.UserAsync("bob");
        await using var bobsDevice = await fixture.NativeAsync(bob);
        using var smtp = await fixture.SmtpAsync(alice, security);

        Assert.True(smtp.IsSecure);
        string subject = $"over {security}";
        await smtp.SendAsync(Letter(alice, bob, subject), Token);

        await ClientEvents.NextAsync<MailEvent>(bobsDevice, e => e.Message.Subject == subject, Patience);
    }

    [Fact]
    public async Task StartTls_IsOffered_AndAuthIsOfferedOnLoopback()
    {
        using var smtp = await fixture.SmtpAsync(null);

        Assert.True(smtp.Capabilities.HasFlag(SmtpCapabilities.StartTLS));
        Assert.True(smtp.Capabilities.HasFlag(SmtpCapabilities.Authentication));
        Assert.True(smtp.Capabilities.HasFlag(SmtpCapabilities.Pipelining));
        Assert.True(smtp.Capabilities.HasFlag(SmtpCapabilities.EightBitMime));
        Assert.True(smtp.Capabilities.HasFlag(SmtpCapabilities.UTF8));
        Assert.True(smtp.Capabilities.HasFlag(SmtpCapabilities.EnhancedStatusCodes));
        Assert.True(smtp.Capabilities.HasFlag(SmtpCapabilities.Size));
        Assert.Equal((uint)fixture.Server.Options.MaxMessageSize, smtp.MaxSize);
        Assert.Contains("PLAIN", smtp.AuthenticationMechanisms);
        Assert.Contains("LOGIN", smtp.AuthenticationMechanisms);
    }

    [Fact]
    public async Task UnknownAndRemoteRecipients_AreRefused_511_AndNothingIsStored()
    {
        string alice = await fixture.UserAsync("alice");
        await using var alicesDevice = await fixture.NativeAsync(alice);
        using var smtp = await fixture.SmtpAsync(alice);

        foreach (string to in new[] { fixture.Address("nobody-" + Guid.NewGuid().ToString("N")[..8]), "bob@example.org" })
        {
            var letter = Letter(alice, alice, "never stored");
            letter.To.Clear();
            letter.To.Add(MailboxAddress.Parse(to));

            var refused = await Assert.ThrowsAsync<SmtpCommandException>(() => smtp.SendAsync(letter, Token));

            Assert.Equal(SmtpErrorCode.RecipientNotAccepted, refused.ErrorCode);
            Assert.Equal(SmtpStatusCode.MailboxUnavailable, refused.StatusCode);
            Assert.Contains("5.1.1", refused.Message, StringComparison.Ordinal);
        }

        var sent = await alicesDevice.ListAsync("Sent", cancellationToken: Token);
        Assert.Empty(sent.Items);
    }

    [Fact]
    public async Task WithoutSignIn_MailIsRefused_530()
    {
        string alice = await fixture.UserAsync("alice");
        using var smtp = await fixture.SmtpAsync(null);

        var refused = await Assert.ThrowsAsync<ServiceNotAuthenticatedException>(() => smtp.SendAsync(Letter(alice, alice, "anonymous"), Token));

        Assert.StartsWith("5.7.0 Authentication required", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongPassword_IsRefused_535_AndTheRightOneStillWorks()
    {
        string alice = await fixture.UserAsync("alice");
        using var smtp = await fixture.SmtpAsync(null);

        await Assert.ThrowsAsync<AuthenticationException>(() => smtp.AuthenticateAsync(alice, "not the password", Token));
        await smtp.AuthenticateAsync(fixture.Address(alice), Passwords.Default, Token);

        Assert.True(smtp.IsAuthenticated);
    }

    [Fact]
    public async Task SendingAsSomeoneElse_IsRefused_InTheEnvelopeAndInTheHeader()
    {
        string alice = await fixture.UserAsync("alice");
        string bob = await fixture.UserAsync("bob");
        await using var bobsDevice = await fixture.NativeAsync(bob);
        using var smtp = await fixture.SmtpAsync(alice);

        // MAIL FROM is bob's address.
        var asBob = Letter(bob, bob, "forged envelope");
        var envelope = await Assert.ThrowsAsync<SmtpCommandException>(() => smtp.SendAsync(asBob, Token));
        Assert.Equal(SmtpErrorCode.SenderNotAccepted, envelope.ErrorCode);

        // MAIL FROM is alice's own, but the From header says bob.
        var header = await Assert.ThrowsAsync<SmtpCommandException>(() =>
            smtp.SendAsync(asBob, MailboxAddress.Parse(fixture.Address(alice)), [MailboxAddress.Parse(fixture.Address(bob))], Token));
        Assert.Equal(SmtpErrorCode.MessageNotAccepted, header.ErrorCode);
        Assert.Contains("5.7.1", header.Message, StringComparison.Ordinal);

        var inbox = await bobsDevice.ListAsync("Inbox", cancellationToken: Token);
        Assert.Empty(inbox.Items);
    }

    [Fact]
    public async Task EnvelopeOnlyRecipients_AreBlindCopies_AndBccHeadersAreRemoved()
    {
        string alice = await fixture.UserAsync("alice");
        string bob = await fixture.UserAsync("bob");
        string carol = await fixture.UserAsync("carol");
        await using var alicesDevice = await fixture.NativeAsync(alice);
        await using var carolsDevice = await fixture.NativeAsync(carol);
        using var smtp = await fixture.SmtpAsync(alice);
        var letter = Letter(alice, bob, "with a blind copy");
        letter.Bcc.Add(MailboxAddress.Parse(fixture.Address(carol)));

        // MailKit leaves Bcc out of what it sends; the raw header is checked below too.
        await smtp.SendAsync(letter, Token);

        var carolsCopy = await ClientEvents.NextAsync<MailEvent>(carolsDevice, e => e.Message.Subject == "with a blind copy", Patience);
        Assert.Equal([bob], carolsCopy.Message.To);
        Assert.Empty(carolsCopy.Message.Bcc);
        var sent = Assert.Single((await alicesDevice.ListAsync("Sent", cancellationToken: Token)).Items, m => m.Subject == "with a blind copy");
        Assert.Equal([carol], sent.Bcc);

        // A Bcc header written into the document itself is taken out before anyone gets it.
        string rawLetter = $"From: {fixture.Address(alice)}\r\nTo: {fixture.Address(bob)}\r\nBcc: {fixture.Address(carol)}\r\nSubject: bcc header\r\n\r\nbody\r\n";
        await smtp.SendAsync(FormatOptions.Default, MimeMessage.Load(new MemoryStream(Encoding.ASCII.GetBytes(rawLetter)), Token),
            MailboxAddress.Parse(fixture.Address(alice)), [MailboxAddress.Parse(fixture.Address(bob)), MailboxAddress.Parse(fixture.Address(carol))], Token);
        var second = await ClientEvents.NextAsync<MailEvent>(carolsDevice, e => e.Message.Subject == "bcc header", Patience);
        string stored = Encoding.UTF8.GetString(await carolsDevice.RawAsync(second.Message.Id, Token));
        Assert.DoesNotContain("Bcc:", stored, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Subject: bcc header", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resubmission_WithTheSameMessageId_IsStoredOnce()
    {
        string alice = await fixture.UserAsync("alice");
        string bob = await fixture.UserAsync("bob");
        await using var bobsDevice = await fixture.NativeAsync(bob);
        using var smtp = await fixture.SmtpAsync(alice);
        var letter = Letter(alice, bob, "sent twice");

        await smtp.SendAsync(letter, Token);
        string again = await smtp.SendAsync(letter, Token);

        Assert.Contains("already stored", again, StringComparison.Ordinal);
        var inbox = await bobsDevice.ListAsync("Inbox", cancellationToken: Token);
        Assert.Single(inbox.Items, m => m.Subject == "sent twice");
    }

    [Fact]
    public async Task AReplyOverSmtp_JoinsTheThread_AndMarksTheOriginalAnswered()
    {
        string alice = await fixture.UserAsync("alice");
        string bob = await fixture.UserAsync("bob");
        await using var alicesDevice = await fixture.NativeAsync(alice);
        await using var bobsDevice = await fixture.NativeAsync(bob);
        var sent = await alicesDevice.SendAsync(new OutgoingMail { To = [bob], Subject = "Question", Body = "Tea or coffee?" }, Token);
        var original = (await bobsDevice.ListAsync("Inbox", cancellationToken: Token)).Items.Single(m => m.MessageId == sent.MessageId);
        var read = await bobsDevice.ReadAsync(original.Id, cancellationToken: Token);

        // Bob's mail program answers it, as any would: In-Reply-To and References.
        using var smtp = await fixture.SmtpAsync(bob);
        var reply = Letter(bob, alice, "Re: Question", "Tea.");
        reply.InReplyTo = read.MessageIdHeader;
        reply.References.Add(read.MessageIdHeader);
        await smtp.SendAsync(reply, Token);

        var arrived = await ClientEvents.NextAsync<MailEvent>(alicesDevice, e => e.Message.Subject == "Re: Question", Patience);
        Assert.Equal(original.ThreadId, arrived.Message.ThreadId);
        Assert.Equal(sent.MessageId, arrived.Message.InReplyTo);
        Assert.True((await bobsDevice.ListAsync("Inbox", cancellationToken: Token)).Items.Single(m => m.Id == original.Id).Answered);
    }

    [Fact]
    public async Task TheSameMessageId_ToOtherRecipients_IsDelivered()
    {
        // Clients split long recipient lists over several transactions of the same message.
        string alice = await fixture.UserAsync("alice");
        string bob = await fixture.UserAsync("bob");
        string carol = await fixture.UserAsync("carol");
        await using var bobsDevice = await fixture.NativeAsync(bob);
        await using var carolsDevice = await fixture.NativeAsync(carol);
        using var smtp = await fixture.SmtpAsync(alice);
        var letter = Letter(alice, bob, "split delivery");
        letter.To.Add(MailboxAddress.Parse(fixture.Address(carol)));
        var from = MailboxAddress.Parse(fixture.Address(alice));

        await smtp.SendAsync(letter, from, [MailboxAddress.Parse(fixture.Address(bob))], Token);
        string second = await smtp.SendAsync(letter, from, [MailboxAddress.Parse(fixture.Address(carol))], Token);

        Assert.DoesNotContain("already stored", second, StringComparison.Ordinal);
        Assert.Single((await bobsDevice.ListAsync("Inbox", cancellationToken: Token)).Items, m => m.Subject == "split delivery");
        Assert.Single((await carolsDevice.ListAsync("Inbox", cancellationToken: Token)).Items, m => m.Subject == "split delivery");
    }

    [Fact]
    public async Task Attachments_AndHtmlOnlyBodies_ComeThroughForEveryDoor()
    {
        string alice = await fixture.UserAsync("alice");
        string bob = await fixture.UserAsync("bob");
        await using var bobsDevice = await fixture.NativeAsync(bob);
        using var smtp = await fixture.SmtpAsync(alice);
        byte[] file = new byte[70_000];
        Random.Shared.NextBytes(file);
        var body = new BodyBuilder { HtmlBody = "<html><head><style>p{}</style></head><body><p>The <b>quarterly</b> figures</p><script>x()</script></body></html>" };
        body.Attachments.Add("figures.bin", file, new ContentType("application", "octet-stream"));
        var letter = Letter(alice, bob, "html and a file");
        letter.Body = body.ToMessageBody();

        await smtp.SendAsync(letter, Token);

        var arrived = await ClientEvents.NextAsync<MailEvent>(bobsDevice, e => e.Message.Subject == "html and a file", Patience);
        Assert.Equal(1, arrived.Message.AttachmentCount);
        var read = await bobsDevice.ReadAsync(arrived.Message.Id, attachments: true, cancellationToken: Token);
        Assert.Equal("The quarterly figures", read.Body.Trim());
        var attachment = Assert.Single(read.Attachments);
        Assert.Equal("figures.bin", attachment.Name);
        Assert.Equal(file.Length, attachment.Size);
        Assert.Equal(file, attachment.Content);
        var found = await bobsDevice.SearchAsync("quarterly", cancellationToken: Token);
        Assert.Contains(found, m => m.Id == arrived.Message.Id);
    }
}
