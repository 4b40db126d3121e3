using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Carteiro.Client;
using Carteiro.MailDoors.Tests.Support;
using Carteiro.TestKit;

namespace Carteiro.MailDoors.Tests;

/// <summary>
/// The IMAP door as bytes on a socket, against clients that misbehave: huge lines, literals over
/// the limits (synchronizing and LITERAL+), a client dribbling a byte a second, too many errors,
/// commands before sign-in; and the exact shape of a few answers (AUTHENTICATE, FETCH and \Seen).
/// </summary>
public sealed partial class ImapAbuseTests(MailFixture fixture) : IClassFixture<MailFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    // bob's Inbox gets the given subjects from alice, oldest first.
    private async Task<(string Bob, CarteiroClient BobsDevice, List<MailSummary> Inbox)> InboxWithAsync(params string[] subjects)
    {
        string alice = await fixture.UserAsync("alice");
        string bob = await fixture.UserAsync("bob");
        await using (var alicesDevice = await fixture.NativeAsync(alice))
        {
            foreach (string subject in subjects)
            {
                await alicesDevice.SendAsync(new OutgoingMail { To = [bob], Subject = subject, Body = $"Body of {subject}\nOlá ✓" }, Token);
            }
        }

        var bobsDevice = await fixture.NativeAsync(bob);
        return (bob, bobsDevice, await InboxAsync(bobsDevice));
    }

    private static async Task<List<MailSummary>> InboxAsync(CarteiroClient device) =>
        [.. (await device.ListAsync("Inbox", cancellationToken: Token)).Items.OrderBy(m => m.Uid)];

    private async Task<RawConnection> ConnectAsync()
    {
        var imap = await RawConnection.ConnectAsync(fixture.Server.Imap);
        Assert.StartsWith("* OK ", imap.Greeting);
        return imap;
    }

    private async Task<RawConnection> SignedInAsync(string user)
    {
        var imap = await ConnectAsync();
        Assert.StartsWith("s OK ", (await imap.CommandAsync($"s LOGIN {user} \"{Passwords.Default}\""))[^1]);
        return imap;
    }

    private static string Plain(string user, string password, string authorizationId = "") =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"{authorizationId}\0{user}\0{password}"));

    [GeneratedRegex(@"\{(\d+)\}$")]
    private static partial Regex LiteralAtTheEnd();

    /// <summary>
    /// Reads an untagged FETCH answer that carries one literal and then the tagged completion:
    /// the line up to the literal, the literal's bytes, and everything after them.
    /// </summary>
    private static async Task<(string Before, byte[] Literal, string After)> ReadFetchAsync(RawConnection imap, string tag)
    {
        string first = await imap.ReadLineAsync() ?? throw new IOException("closed");
        var announced = LiteralAtTheEnd().Match(first);
        Assert.True(announced.Success, $"expected a FETCH answer with a literal, got: {first}");
        int length = int.Parse(announced.Groups[1].Value, CultureInfo.InvariantCulture);
        var bytes = new List<byte>();
        while (bytes.Count < length)
        {
            string line = await imap.ReadLineAsync() ?? throw new IOException("closed in a literal");
            bytes.AddRange(Encoding.UTF8.GetBytes(line + "\r\n"));
        }

        // What followed the literal on its last line, then the rest up to the tagged answer.
        string after = Encoding.UTF8.GetString(bytes.Skip(length).ToArray()).TrimEnd('\r', '\n');
        var rest = await imap.ReadUntilAsync(tag + " ");
        return (first, bytes.Take(length).ToArray(), string.Join("\n", after.Length > 0 ? [after, .. rest] : rest));
    }

    [Fact]
    public async Task HugeLine_IsAnsweredBad_WithoutHarm_AndTheSessionGoesOn()
    {
        var (bob, bobsDevice, inbox) = await InboxWithAsync("unharmed");
        await using var _ = bobsDevice;
        await using var abuser = await SignedInAsync(bob);

        // 10 MiB without a line end: far over the 64 KiB limit, and dropped as it comes.
        byte[] junk = new byte[10 * 1024 * 1024];
        junk.AsSpan().Fill((byte)'A');
        var flood = abuser.SendBytesAsync(junk);

        // Meanwhile someone else signs in and reads as usual.
        await using (var imap = await SignedInAsync(bob))
        {
            Assert.StartsWith("b OK [READ-WRITE]", (await imap.CommandAsync("b SELECT INBOX"))[^1]);
            await imap.SendAsync("c FETCH 1 (BODY.PEEK[])");
            var (_, document, after) = await ReadFetchAsync(imap, "c");
            Assert.Equal(await bobsDevice.RawAsync(inbox[0].Id, Token), document);
            Assert.EndsWith("c OK FETCH completed", after, StringComparison.Ordinal);
        }

        await flood.WaitAsync(Patience, Token);
        await abuser.SendAsync("");
        Assert.StartsWith("* BAD line too long", await abuser.ReadLineAsync());
        Assert.Equal(["a OK NOOP completed"], await abuser.CommandAsync("a NOOP"));
        Assert.StartsWith("a OK [READ-WRITE]", (await abuser.CommandAsync("a SELECT INBOX"))[^1]);
    }

    [Fact]
    public async Task SynchronizingLiteral_OverTheLimit_IsRefusedAtOnce_WithoutAContinuation()
    {
        var (bob, bobsDevice, inbox) = await InboxWithAsync("already here");
        await using var _ = bobsDevice;
        await using var imap = await ConnectAsync();

        // Before sign-in: a password of 100,000 octets is refused before the client sends it.
        await imap.SendAsync("a LOGIN {100000}");
        Assert.StartsWith("a BAD ", await imap.ReadLineAsync());
        Assert.Equal(["b OK NOOP completed"], await imap.CommandAsync("b NOOP"));

        // Signed in: a message over the 25 MiB limit is refused with TOOBIG, and the client sends nothing.
        Assert.StartsWith("c OK ", (await imap.CommandAsync($"c LOGIN {bob} \"{Passwords.Default}\""))[^1]);
        Assert.True(fixture.Server.Options.MaxMessageSize < 30_000_000);
        await imap.SendAsync("d APPEND INBOX (\\Seen) {30000000}");
        Assert.StartsWith("d NO [TOOBIG] ", await imap.ReadLineAsync());
        Assert.Equal(["e OK NOOP completed"], await imap.CommandAsync("e NOOP"));
        Assert.Equal(inbox.Select(m => m.Id), (await InboxAsync(bobsDevice)).Select(m => m.Id));
    }

    [Fact]
    public async Task NonSynchronizingLiteral_OverTheLimit_IsReadAndDropped_ThenRefused_AndTheConnectionGoesOn()
    {
        var (bob, bobsDevice, inbox) = await InboxWithAsync("already here");
        await using var _ = bobsDevice;
        await using var imap = await ConnectAsync();

        // LITERAL+: the client sends the bytes without waiting, so the server has to read past them.
        byte[] password = new byte[100_000];
        password.AsSpan().Fill((byte)'p');
        await imap.SendAsync("a LOGIN {100000+}");
        await imap.SendBytesAsync(password);
        await imap.SendAsync(" {5+}\r\nhello");
        Assert.Matches("^a (BAD|NO) ", await imap.ReadLineAsync());
        Assert.Equal(["b OK NOOP completed"], await imap.CommandAsync("b NOOP"));

        Assert.StartsWith("c OK ", (await imap.CommandAsync($"c LOGIN {bob} \"{Passwords.Default}\""))[^1]);
        long tooBig = fixture.Server.Options.MaxMessageSize + 1;
        byte[] message = new byte[tooBig];
        message.AsSpan().Fill((byte)'m');
        await imap.SendAsync($"d APPEND INBOX {{{tooBig}+}}");
        await imap.SendBytesAsync(message);
        await imap.SendAsync("");
        Assert.Matches(@"^d (NO \[TOOBIG\]|BAD) ", await imap.ReadLineAsync(Patience));
        Assert.Equal(["e OK NOOP completed"], await imap.CommandAsync("e NOOP"));
        Assert.Equal(inbox.Select(m => m.Id), (await InboxAsync(bobsDevice)).Select(m => m.Id));

        // A message within the limit still goes in on the same connection.
        string small = "Subject: small\r\n\r\nfits\r\n";
        await imap.SendAsync($"f APPEND INBOX {{{Encoding.UTF8.GetByteCount(small)}+}}\r\n{small}");
        Assert.Matches(@"^f OK \[APPENDUID \d+ \d+\]", (await imap.ReadUntilAsync("f "))[^1]);
        Assert.Equal(inbox.Count + 1, (await InboxAsync(bobsDevice)).Count);
    }

    [Fact]
    public async Task BeforeSignIn_ALiteralForAppend_IsRefusedWithoutAContinuation()
    {
        // APPEND needs a signed-in user: a client that has not signed in must not be invited to
        // send a 20 MB literal (the server would hold it in memory) only to be told BAD afterwards.
        await using var imap = await ConnectAsync();
        await imap.SendAsync("a APPEND INBOX {20000000}");
        string answer = await imap.ReadLineAsync() ?? "(closed)";
        Assert.False(answer.StartsWith('+'), $"a client that has not signed in was invited to send a 20 MB APPEND literal: {answer}");
        Assert.Matches("^a (BAD|NO) ", answer);
        Assert.Equal(["b OK NOOP completed"], await imap.CommandAsync("b NOOP"));
    }

    [Fact]
    public async Task SlowClient_OneByteASecond_DoesNotHoldUpOthers()
    {
        var (bob, bobsDevice, inbox) = await InboxWithAsync("read while someone dribbles");
        await using var _ = bobsDevice;
        await using var slow = await ConnectAsync();
        using var stop = new CancellationTokenSource();
        var dribble = Task.Run(async () =>
        {
            foreach (byte b in Encoding.ASCII.GetBytes($"a LOGIN {bob} \"{Passwords.Default}\"\r\n"))
            {
                await slow.SendBytesAsync(new[] { b });
                await Task.Delay(1000, stop.Token);
            }
        }, Token);
        byte[] expected = await bobsDevice.RawAsync(inbox[0].Id, Token);

        // For five seconds of dribbling, other clients sign in, select and fetch, each well within a second.
        var rounds = new List<TimeSpan>();
        for (int i = 0; i < 5; i++)
        {
            var clock = Stopwatch.StartNew();
            await using (var imap = await SignedInAsync(bob))
            {
                Assert.StartsWith("b OK [READ-WRITE]", (await imap.CommandAsync("b SELECT INBOX"))[^1]);
                await imap.SendAsync("c FETCH 1 (BODY.PEEK[])");
                var (_, document, _) = await ReadFetchAsync(imap, "c");
                Assert.Equal(expected, document);
                rounds.Add(clock.Elapsed);
            }

            await Task.Delay(1000, Token);
        }

        Assert.False(dribble.IsCompleted, "the slow client should still be dribbling");
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => dribble);
        Assert.All(rounds, r => Assert.True(r < TimeSpan.FromSeconds(1), $"sign-in, SELECT and FETCH took {r.TotalMilliseconds} ms: {string.Join(", ", rounds.Select(t => t.TotalMilliseconds))}"));
    }

    [Fact]
    public async Task TenBadCommands_CloseTheConnection_WithBye()
    {
        await using var imap = await ConnectAsync();
        for (int i = 0; i < 9; i++)
        {
            Assert.StartsWith($"x{i} BAD ", (await imap.CommandAsync($"x{i} FROBNICATE"))[^1]);
        }

        // Nine are forgiven...
        Assert.Equal(["n OK NOOP completed"], await imap.CommandAsync("n NOOP"));

        // ...the tenth is not.
        await imap.SendAsync("x9 FROBNICATE");
        Assert.StartsWith("x9 BAD ", await imap.ReadLineAsync());
        Assert.StartsWith("* BYE ", await imap.ReadLineAsync());
        Assert.True(await imap.WaitClosedAsync(Patience), "the server should close the connection after BYE");
    }

    [Fact]
    public async Task BeforeSignIn_OnlyTheNotAuthenticatedCommandsWork_AndAWrongPasswordIsRefused()
    {
        var (bob, bobsDevice, _) = await InboxWithAsync("private");
        await using var _ = bobsDevice;
        string[] refused =
        [
            "SELECT INBOX", "EXAMINE INBOX", "CREATE Stolen", "DELETE Trash", "RENAME Trash Bin", "SUBSCRIBE INBOX", "UNSUBSCRIBE INBOX",
            "LIST \"\" *", "LSUB \"\" *", "STATUS INBOX (MESSAGES)", "APPEND INBOX {5+}\r\nhello", "IDLE", "ENABLE CONDSTORE",
            "NAMESPACE", "CHECK", "CLOSE", "UNSELECT", "EXPUNGE", "FETCH 1 (BODY[])", "STORE 1 +FLAGS (\\Deleted)", "COPY 1 Trash",
            "MOVE 1 Trash", "SEARCH ALL", "UID FETCH 1:* (BODY[])", "UID SEARCH ALL", "UID EXPUNGE 1",
        ];

        // Fewer than ten per connection, so the cap on bad commands does not end the test early.
        foreach (var batch in refused.Chunk(7))
        {
            await using var imap = await ConnectAsync();
            foreach (string command in batch)
            {
                var answer = await imap.CommandAsync("t " + command);
                Assert.True(answer is [var only] && only.StartsWith("t BAD ", StringComparison.Ordinal), $"{command} before sign-in got: {string.Join(" | ", answer)}");
            }

            Assert.Equal(["* BYE logging out", "z OK LOGOUT completed"], await imap.CommandAsync("z LOGOUT"));
            Assert.True(await imap.WaitClosedAsync(Patience));
        }

        await using var allowed = await ConnectAsync();
        var capability = await allowed.CommandAsync("a CAPABILITY");
        Assert.StartsWith("* CAPABILITY IMAP4rev1 ", capability[0]);
        Assert.Contains(" STARTTLS", capability[0], StringComparison.Ordinal);
        Assert.Contains(" AUTH=PLAIN", capability[0], StringComparison.Ordinal);
        Assert.Equal("a OK CAPABILITY completed", capability[^1]);
        Assert.Equal(["b OK NOOP completed"], await allowed.CommandAsync("b NOOP"));
        var id = await allowed.CommandAsync("c ID (\"name\" \"raw socket\")");
        Assert.StartsWith("* ID (", id[0]);
        Assert.Equal("c OK ID completed", id[^1]);

        Assert.StartsWith("d NO [AUTHENTICATIONFAILED] ", Assert.Single(await allowed.CommandAsync($"d LOGIN {bob} \"not the password\"")));
        Assert.StartsWith("e BAD ", (await allowed.CommandAsync("e SELECT INBOX"))[^1]);
        Assert.StartsWith("f OK ", (await allowed.CommandAsync($"f LOGIN {fixture.Address(bob)} \"{Passwords.Default}\""))[^1]);
        Assert.StartsWith("g OK [READ-WRITE]", (await allowed.CommandAsync("g SELECT INBOX"))[^1]);
    }

    [Fact]
    public async Task AuthenticatePlain_WithAnInitialResponse_AndAfterAContinuation()
    {
        var (bob, bobsDevice, _) = await InboxWithAsync("signed in with PLAIN");
        await using var _ = bobsDevice;

        // SASL-IR: the answer on the command line.
        await using (var imap = await ConnectAsync())
        {
            Assert.StartsWith("a OK ", (await imap.CommandAsync($"a AUTHENTICATE PLAIN {Plain(bob, Passwords.Default)}"))[^1]);
            Assert.StartsWith("b OK [READ-WRITE]", (await imap.CommandAsync("b SELECT INBOX"))[^1]);
        }

        // Without: the server asks with "+ " and takes the answer on the next line.
        await using (var imap = await ConnectAsync())
        {
            await imap.SendAsync("a AUTHENTICATE PLAIN");
            Assert.Equal("+ ", await imap.ReadLineAsync());
            await imap.SendAsync(Plain(fixture.Address(bob), Passwords.Default, authorizationId: bob));
            Assert.StartsWith("a OK ", (await imap.ReadUntilAsync("a "))[^1]);
            Assert.StartsWith("b OK [READ-WRITE]", (await imap.CommandAsync("b SELECT INBOX"))[^1]);
        }

        // "*" cancels (BAD, RFC 3501 section 6.2.2); a wrong password and someone else's identity are refused.
        await using (var imap = await ConnectAsync())
        {
            await imap.SendAsync("a AUTHENTICATE PLAIN");
            Assert.StartsWith("+", await imap.ReadLineAsync());
            await imap.SendAsync("*");
            Assert.StartsWith("a BAD ", await imap.ReadLineAsync());

            await imap.SendAsync("b AUTHENTICATE PLAIN");
            Assert.StartsWith("+", await imap.ReadLineAsync());
            await imap.SendAsync(Plain(bob, "not the password"));
            Assert.StartsWith("b NO [AUTHENTICATIONFAILED]", await imap.ReadLineAsync());

            string alice = await fixture.UserAsync("alice");
            Assert.StartsWith("c NO [AUTHORIZATIONFAILED]", (await imap.CommandAsync($"c AUTHENTICATE PLAIN {Plain(bob, Passwords.Default, authorizationId: alice)}"))[^1]);
            Assert.StartsWith("d BAD ", (await imap.CommandAsync("d SELECT INBOX"))[^1]);
        }
    }

    [Fact]
    public async Task FetchBody_SetsSeen_AndSaysSo_WhilePeekAndExamineDoNot()
    {
        var (bob, bobsDevice, inbox) = await InboxWithAsync("first", "second");
        await using var _ = bobsDevice;
        await using var imap = await SignedInAsync(bob);
        Assert.StartsWith("a OK [READ-WRITE]", (await imap.CommandAsync("a SELECT INBOX"))[^1]);

        await imap.SendAsync("b FETCH 1 BODY[]");
        var (before, document, after) = await ReadFetchAsync(imap, "b");
        Assert.Equal(await bobsDevice.RawAsync(inbox[0].Id, Token), document);
        Assert.Contains(@"FLAGS (\Seen)", before + after, StringComparison.Ordinal);
        Assert.StartsWith("* 1 FETCH (", before);
        Assert.EndsWith("b OK FETCH completed", after, StringComparison.Ordinal);
        Assert.True((await InboxAsync(bobsDevice))[0].Seen);

        // HEADER.FIELDS gives just that field and the blank line that ends a header.
        await imap.SendAsync("c FETCH 2 BODY.PEEK[HEADER.FIELDS (SUBJECT)]");
        var (header, fields, rest) = await ReadFetchAsync(imap, "c");
        Assert.Equal("* 2 FETCH (BODY[HEADER.FIELDS (SUBJECT)] {19}", header);
        Assert.Equal("Subject: second\r\n\r\n", Encoding.UTF8.GetString(fields));
        Assert.Equal(")\nc OK FETCH completed", rest);
        Assert.False((await InboxAsync(bobsDevice))[1].Seen);

        // EXAMINE is read-only: even BODY[] leaves the message unread (RFC 3501 section 6.3.2).
        await using var reader = await SignedInAsync(bob);
        Assert.StartsWith("d OK [READ-ONLY]", (await reader.CommandAsync("d EXAMINE INBOX"))[^1]);
        await reader.SendAsync("e FETCH 2 BODY[]");
        var (examined, _, end) = await ReadFetchAsync(reader, "e");
        Assert.DoesNotContain("FLAGS", examined + end, StringComparison.Ordinal);
        Assert.False((await InboxAsync(bobsDevice))[1].Seen);
    }
}
