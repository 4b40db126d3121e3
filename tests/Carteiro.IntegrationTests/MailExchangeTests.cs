using System.Globalization;
using System.Text;
using Carteiro.IntegrationTests.Support;
using Carteiro.TestKit;

namespace Carteiro.IntegrationTests;

/// <summary>Two users exchanging mail through a real server: pushes, replies, payload fidelity, refusals.</summary>
public sealed class MailExchangeTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task Send_RecipientOnline_GetsMailPushedWithoutAsking()
    {
        await using var alice = await Peer.NewUserAsync(_server, "alice");
        await using var bob = await Peer.NewUserAsync(_server, "bob");

        var sent = (await alice.SendMailAsync(bob.User, "Lunch?", "Noon, caf\u00e9?")).Json;
        var mail = await bob.MailAsync(sent.Long("message"));

        Assert.Equal("Inbox", mail.Str("folder"));
        Assert.Equal(alice.User, mail.Str("from"));
        Assert.Equal([bob.User], mail.Strings("to"));
        Assert.Equal("Lunch?", mail.Str("subject"));
        Assert.Equal("Noon, caf\u00e9?", mail.Str("snippet"));
        Assert.Empty(mail.Flags());
        Assert.NotEqual(sent.Long("id"), mail.Long("id"));
    }

    [Fact]
    public async Task Send_Reply_CarriesIdMessageDateAndDuplicate()
    {
        await using var alice = await Peer.NewUserAsync(_server, "alice");
        var bob = await _server.CreateUserAsync(UniqueName.Of("bob"));
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);

        var sent = (await alice.SendMailAsync(bob.Name, "receipt")).Json;

        Assert.True(sent.Long("id") > 0);
        Assert.True(sent.Long("message") > 0);
        Assert.False(sent.Bool("duplicate"));
        var date = DateTimeOffset.Parse(sent.Str("date"), CultureInfo.InvariantCulture);
        Assert.InRange(date, before, DateTimeOffset.UtcNow.AddSeconds(5));
    }

    [Fact]
    public async Task SendThenListInOneWrite_ListSeesTheCommittedMessage()
    {
        await using var alice = await Peer.NewUserAsync(_server, "alice");
        var bob = await _server.CreateUserAsync(UniqueName.Of("bob"));

        await alice.Raw.SendAsync($"p1 SEND TO {bob.Name} SUBJECT pipelined BODY hi\r\np2 LIST Sent LIMIT 1\r\n", line: false);
        var send = await alice.ReadReplyAsync("p1");
        var list = await alice.ReadReplyAsync("p2");

        long id = send.Json.Long("id");
        var item = Assert.Single(list.Data("ITEM"));
        Assert.Equal(id, item.Long("id"));
        Assert.Equal("Sent", item.Str("folder"));
        Assert.Equal(1, list.Json.Long("total"));
    }

    [Fact]
    public async Task Body_WithUtf8CrlfNulAndLiteralLookalikes_RoundTripsByteExact()
    {
        var alice = await _server.CreateUserAsync(UniqueName.Of("alice"));
        var bob = await _server.CreateUserAsync(UniqueName.Of("bob"));
        byte[] body = Encoding.UTF8.GetBytes("Ol\u00e1, caf\u00e9 \u2615 \U0001F600\r\nsecond line {5}\r\n{5}\r\nnul:\0:end\nbare LF\r\n\r\n t9 OK {\"x\":1}\r\n");
        await using var sender = await WireConnection.SignInAsync(_server.Native, alice.Name);
        await using var reader = await WireConnection.SignInAsync(_server.Native, bob.Name);

        var sent = await sender.CommandAsync("b1", new WireCommand($"b1 SEND TO {bob.Name} SUBJECT bytes BODY").Literal(body).End());
        Assert.StartsWith("b1 OK", sent[^1].Line, StringComparison.Ordinal);
        long message = Json.After(sent[^1].Line, "b1 OK ").Long("message");
        long id = (await reader.CommandAsync("b2 LIST LIMIT 1")).Data("ITEM").Long("id");
        var read = await reader.CommandAsync($"b3 READ {id}");

        var bodyFrame = read.One("* BODY ");
        Assert.Equal(message, read.Data("MESSAGE").Long("message"));
        Assert.Equal(body, Assert.Single(bodyFrame.Literals));
        Assert.Equal("b3 OK", read[^1].Line);
    }

    [Fact]
    public async Task Attachments_TextAndOneMebibyteBinary_RoundTripByteExact()
    {
        var alice = await _server.CreateUserAsync(UniqueName.Of("alice"));
        var bob = await _server.CreateUserAsync(UniqueName.Of("bob"));
        byte[] small = "abc"u8.ToArray();
        byte[] binary = new byte[1024 * 1024];
        new Random(1234).NextBytes(binary);
        await using var sender = await WireConnection.SignInAsync(_server.Native, alice.Name);
        await using var reader = await WireConnection.SignInAsync(_server.Native, bob.Name);

        var command = new WireCommand($"a1 SEND TO {bob.Name} SUBJECT files BODY").Literal("see attached"u8)
            .Text(" ATTACH a.txt text/plain").Literal(small)
            .Text(" ATTACH \"random data.bin\" application/octet-stream").Literal(binary)
            .End();
        var sent = await sender.CommandAsync("a1", command);
        Assert.StartsWith("a1 OK", sent[^1].Line, StringComparison.Ordinal);
        var item = (await reader.CommandAsync("a2 LIST LIMIT 1")).Data("ITEM");
        var read = await reader.CommandAsync($"a3 READ {item.Long("id")} ATTACHMENTS");

        Assert.Equal(2, item.Long("attachmentCount"));
        var described = read.Data("MESSAGE").GetProperty("attachments").EnumerateArray().ToList();
        Assert.Equal(["a.txt", "random data.bin"], described.Select(a => a.Str("name")));
        Assert.Equal(["text/plain", "application/octet-stream"], described.Select(a => a.Str("type")));
        Assert.Equal([3L, binary.Length], described.Select(a => a.Long("size")));
        var files = read.Where(f => f.Line.StartsWith("* ATTACHMENT ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["* ATTACHMENT 0 {3}", $"* ATTACHMENT 1 {{{binary.Length}}}"], files.Select(f => f.Line));
        Assert.Equal(small, files[0].Literals.Single());
        Assert.Equal(binary, files[1].Literals.Single());
        Assert.Equal("see attached"u8.ToArray(), read.One("* BODY ").Literals.Single());
    }

    [Fact]
    public async Task Raw_ReturnsRfc5322DocumentWithTheSubject()
    {
        var (document, alice, bob) = await SendAndFetchRawAsync("Quarterly report", "numbers inside");

        // Split leniently here; line endings have their own test.
        string text = document.Replace("\r\n", "\n", StringComparison.Ordinal);
        int headerEnd = text.IndexOf("\n\n", StringComparison.Ordinal);
        Assert.True(headerEnd > 0, "the headers end with an empty line");
        string[] headers = text[..headerEnd].Split('\n');
        Assert.Contains("Subject: Quarterly report", headers);
        Assert.Contains($"From: {alice} <{alice}@localhost>", headers);
        Assert.Contains($"To: {bob} <{bob}@localhost>", headers);
        Assert.Contains(headers, h => h.StartsWith("Message-Id: <", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(headers, h => h.StartsWith("Date: ", StringComparison.Ordinal));
        Assert.Contains("numbers inside", text[headerEnd..], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Raw_DocumentLinesEndWithCrlf()
    {
        var (document, _, _) = await SendAndFetchRawAsync("Line endings", "one\r\ntwo");

        // RFC 5322 section 2.1: lines are delimited by CRLF; a bare LF is not allowed.
        int bareLf = Enumerable.Range(0, document.Length).FirstOrDefault(i => document[i] == '\n' && (i == 0 || document[i - 1] != '\r'), -1);
        Assert.True(bareLf < 0, $"bare LF at offset {bareLf} in: {document.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)}");
    }

    private async Task<(string Document, long BobsId, Peer Bob)> SendAndReadAsync()
    {
        var alice = await _server.CreateUserAsync(UniqueName.Of("alice"));
        var bob = await Peer.NewUserAsync(_server, "bob");
        await using var sender = await Peer.SignInAsync(_server, alice.Name);
        long message = (await sender.SendMailAsync(bob.User, "ids")).Json.Long("message");
        long id = (await bob.MailAsync(message)).Long("id");
        await using var wire = await WireConnection.SignInAsync(_server.Native, bob.User);
        var raw = await wire.CommandAsync($"r1 RAW {id}");
        return (Encoding.UTF8.GetString(raw.One("* RAW ").Literals.Single()), id, bob);
    }

    private async Task<(string Document, string Alice, string Bob)> SendAndFetchRawAsync(string subject, string body)
    {
        var alice = await _server.CreateUserAsync(UniqueName.Of("alice"));
        var bob = await _server.CreateUserAsync(UniqueName.Of("bob"));
        await using var sender = await WireConnection.SignInAsync(_server.Native, alice.Name);
        var sent = await sender.CommandAsync("r1", new WireCommand($"r1 SEND TO {bob.Name} SUBJECT {Json.Quote(subject)} BODY").Literal(Encoding.UTF8.GetBytes(body)).End());
        long id = Json.After(sent[^1].Line, "r1 OK ").Long("id");

        var raw = await sender.CommandAsync($"r2 RAW {id}");

        Assert.Equal("r2 OK", raw[^1].Line);
        return (Encoding.UTF8.GetString(raw.One("* RAW ").Literals.Single()), alice.Name, bob.Name);
    }

    [Fact]
    public async Task Reply_ThreadsUnderTheParentAndMarksItAnswered()
    {
        await using var alice = await Peer.NewUserAsync(_server, "alice");
        await using var bob = await Peer.NewUserAsync(_server, "bob");
        var question = (await alice.SendMailAsync(bob.User, "Question")).Json;
        var received = await bob.MailAsync(question.Long("message"));

        var answer = (await bob.CommandAsync($"SEND TO {alice.User} SUBJECT \"Re: Question\" BODY yes REPLY {received.Long("id")}")).Json;
        var mail = await alice.MailAsync(answer.Long("message"));
        var parent = Assert.Single((await bob.CommandAsync("LIST LIMIT 1")).Data("ITEM"));

        Assert.Equal(question.Long("message"), mail.Long("inReplyTo"));
        Assert.Equal(received.Long("thread"), mail.Long("thread"));
        Assert.Equal(received.Long("id"), parent.Long("id"));
        Assert.Contains("answered", parent.Flags());
    }

    [Fact]
    public async Task Read_MessageIdIsAnAngleBracketedAddressMatchingTheRawHeader()
    {
        var (document, id, reader) = await SendAndReadAsync();
        await using (reader)
        {
            var read = await reader.CommandAsync($"READ {id} PEEK");

            string messageId = read.Data("MESSAGE").Single().Str("messageId");
            Assert.Matches("^<[^<>@\\s]+@localhost>$", messageId);
            Assert.Contains($"Message-Id: {messageId}", document, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Bcc_ShownOnlyInTheSendersCopy()
    {
        await using var alice = await Peer.NewUserAsync(_server, "alice");
        await using var bob = await Peer.NewUserAsync(_server, "bob");
        await using var carol = await Peer.NewUserAsync(_server, "carol");

        var sent = (await alice.CommandAsync($"SEND TO {bob.User} BCC {carol.User} SUBJECT quiet BODY x")).Json;
        var toBob = await bob.MailAsync(sent.Long("message"));
        var toCarol = await carol.MailAsync(sent.Long("message"));
        var own = Assert.Single((await alice.CommandAsync("LIST Sent LIMIT 1")).Data("ITEM"));
        var raw = await bob.CommandAsync($"RAW {toBob.Long("id")}");

        Assert.Empty(toBob.Strings("bcc"));
        Assert.Empty(toCarol.Strings("bcc"));
        Assert.Equal([carol.User], own.Strings("bcc"));
        Assert.DoesNotContain(raw.Lines, l => l.Contains(carol.User, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Send_UnknownRecipients_RefusesWholeSendNamingAllAndStoresNothing()
    {
        await using var alice = await Peer.NewUserAsync(_server, "alice");
        await using var bob = await Peer.NewUserAsync(_server, "bob");
        string zed = UniqueName.Of("zed");
        string yan = UniqueName.Of("yan");

        var reply = await alice.CommandAsync($"SEND TO {bob.User},{zed} CC {yan} SUBJECT nope BODY nope");

        reply.AssertNo("unknown-recipient");
        Assert.Contains(zed, reply.Text, StringComparison.Ordinal);
        Assert.Contains(yan, reply.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(bob.User, reply.Text, StringComparison.Ordinal);
        Assert.Equal(0, (await alice.CommandAsync("LIST Sent")).Json.Long("total"));
        Assert.Equal(0, (await bob.CommandAsync("LIST Inbox")).Json.Long("total"));
    }

    [Fact]
    public async Task Send_ToNamesNoAccountCouldHave_IsUnknownRecipient_NamingEveryUnknownName()
    {
        await using var alice = await Peer.NewUserAsync(_server, "alice");
        await using var bob = await Peer.NewUserAsync(_server, "bob");
        string zed = UniqueName.Of("zed");

        var reply = await alice.CommandAsync($"SEND TO \"(x),{bob.User},{zed}\" CC \"a b@c\" SUBJECT nope BODY nope");

        reply.AssertNo("unknown-recipient");
        Assert.Contains("(x)", reply.Text, StringComparison.Ordinal);
        Assert.Contains(zed, reply.Text, StringComparison.Ordinal);
        Assert.Contains("a b@c", reply.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(bob.User, reply.Text, StringComparison.Ordinal);
        Assert.Equal(0, (await bob.CommandAsync("LIST Inbox")).Json.Long("total"));
    }

    [Fact]
    public async Task Send_NoRecipients_RefusedWithNoRecipients()
    {
        await using var alice = await Peer.NewUserAsync(_server, "alice");

        var reply = await alice.CommandAsync("SEND SUBJECT lonely BODY \"to nobody\"");

        reply.AssertNo("no-recipients");
    }

    [Fact]
    public async Task Send_SubjectOver998Characters_RefusedWithSubjectTooLong()
    {
        await using var alice = await Peer.NewUserAsync(_server, "alice");
        var bob = await _server.CreateUserAsync(UniqueName.Of("bob"));

        var tooLong = await alice.CommandAsync($"SEND TO {bob.Name} SUBJECT {new string('s', 999)} BODY x");
        var atLimit = await alice.CommandAsync($"SEND TO {bob.Name} SUBJECT {new string('s', 998)} BODY x");

        tooLong.AssertNo("subject-too-long");
        atLimit.AssertOk();
    }

    [Fact]
    public async Task Send_SubjectWithLineBreak_RefusedWithSubjectTooLong()
    {
        var alice = await _server.CreateUserAsync(UniqueName.Of("alice"));
        var bob = await _server.CreateUserAsync(UniqueName.Of("bob"));
        await using var sender = await WireConnection.SignInAsync(_server.Native, alice.Name);

        var reply = await sender.CommandAsync("h1", new WireCommand($"h1 SEND TO {bob.Name} BODY x SUBJECT").Literal("two\r\nlines"u8).End());

        Assert.StartsWith("h1 NO subject-too-long ", reply[^1].Line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_OverConfiguredMaxMessageSize_RefusedAndNothingStored()
    {
        await using var server = await TestServer.StartAsync(o => o with { MaxMessageSize = 64 * 1024 }, cancellationToken: TestContext.Current.CancellationToken);
        var bob = await server.CreateUserAsync(UniqueName.Of("bob"));
        await using var alice = await Peer.NewUserAsync(server, "alice");
        byte[] body = new byte[200 * 1024];
        body.AsSpan().Fill((byte)'x');

        await alice.Raw.SendBytesAsync(new WireCommand($"m1 SEND TO {bob.Name} SUBJECT big BODY").Literal(body).End());
        var reply = await alice.ReadReplyAsync("m1");

        Assert.True(reply.Code is "message-too-large" or "payload-too-large", reply.Line);
        Assert.Equal(0, (await alice.CommandAsync("LIST Sent")).Json.Long("total"));
    }

    [Fact]
    public async Task MailToOfflineUser_WaitsUnreadUntilTheySignIn()
    {
        await using var alice = await Peer.NewUserAsync(_server, "alice");
        var bob = await _server.CreateUserAsync(UniqueName.Of("bob"));

        var sent = (await alice.SendMailAsync(bob.Name, "while you were out")).Json;
        await using var later = await Peer.SignInAsync(_server, bob.Name);
        var list = await later.CommandAsync("LIST");
        var folders = await later.CommandAsync("FOLDERS");

        var item = Assert.Single(list.Data("ITEM"));
        Assert.Equal(sent.Long("message"), item.Long("message"));
        Assert.DoesNotContain("seen", item.Flags());
        Assert.Equal(1, list.Json.Long("unread"));
        var inbox = folders.Data("FOLDER").Single(f => f.Str("name") == "Inbox");
        Assert.Equal(1, inbox.Long("total"));
        Assert.Equal(1, inbox.Long("unread"));
    }
}
