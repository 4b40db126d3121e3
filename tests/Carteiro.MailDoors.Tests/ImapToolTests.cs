using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Carteiro.Client;
using Carteiro.MailDoors.Tests.Support;
using Carteiro.TestKit;

namespace Carteiro.MailDoors.Tests;

/// <summary>
/// IMAP as the mail programs people already have speak it: Python's imaplib (plain on loopback,
/// STARTTLS and implicit TLS, trusting the server's certificate file) and curl (imap://, imaps://,
/// custom commands). What they see is checked against the native client.
/// (.ci/run installs curl and python3 when they are missing.)
/// </summary>
public sealed partial class ImapToolTests(MailFixture fixture) : IClassFixture<MailFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    // How every script connects: "plain" to 127.0.0.1, "starttls" and "tls" to localhost (the certificate's name).
    private const string Connect = """
        import base64, imaplib, json, re, ssl, sys
        def connect(mode, port, cafile):
            context = ssl.create_default_context(cafile=cafile)
            if mode == 'tls':
                return imaplib.IMAP4_SSL('localhost', int(port), ssl_context=context, timeout=15)
            m = imaplib.IMAP4('127.0.0.1' if mode == 'plain' else 'localhost', int(port), timeout=15)
            if mode == 'starttls':
                m.starttls(context)
            return m
        def ok(answer):
            typ, data = answer
            if typ != 'OK':
                raise SystemExit('refused: %r' % (answer,))
            return data
        def text(data):
            return [d.decode() if isinstance(d, bytes) else [p.decode() for p in d] for d in data]

        """;

    // bob's Inbox gets the given subjects from alice, oldest first; returns them as the native client lists them.
    private async Task<(string Alice, string Bob, List<MailSummary> Inbox)> InboxWithAsync(params string[] subjects)
    {
        string alice = await fixture.UserAsync("alice");
        string bob = await fixture.UserAsync("bob");
        await using (var alicesDevice = await fixture.NativeAsync(alice))
        {
            foreach (string subject in subjects)
            {
                await alicesDevice.SendAsync(new OutgoingMail { To = [bob], Subject = subject, Body = $"Body of {subject}\nOlá ✓\n.a dot line" }, Token);
            }
        }

        await using var bobsDevice = await fixture.NativeAsync(bob);
        return (alice, bob, await InboxAsync(bobsDevice));
    }

    private static async Task<List<MailSummary>> InboxAsync(CarteiroClient device) =>
        [.. (await device.ListAsync("Inbox", cancellationToken: Token)).Items.OrderBy(m => m.Uid)];

    private string Port(string mode) => Tools.Port(mode == "tls" ? fixture.Server.Imaps : fixture.Server.Imap);

    private static JsonElement Json(string output)
    {
        string last = output.Trim().Split('\n')[^1];
        return JsonDocument.Parse(last).RootElement;
    }

    // "(\HasNoChildren \Sent) "/" "Sent"" as imaplib and curl show a LIST answer.
    [GeneratedRegex("""\((?<attributes>[^)]*)\) "/" "?(?<name>[^"]*)"?""")]
    private static partial Regex ListLine();

    private static Dictionary<string, string> Mailboxes(IEnumerable<string> lines) =>
        lines.Select(l => ListLine().Match(l)).Where(m => m.Success).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["attributes"].Value);

    [Theory]
    [InlineData("plain")]
    [InlineData("starttls")]
    [InlineData("tls")]
    public async Task PythonImaplib_SignsIn_OverPlainStartTlsAndImplicitTls_AndListsTheSpecialUseFolders(string mode)
    {
        var (_, bob, _) = await InboxWithAsync("hello imaplib");
        const string Script = Connect + """
            mode, port, cafile, user, password = sys.argv[1:6]
            m = connect(mode, port, cafile)
            capabilities = list(m.capabilities)
            secure = isinstance(m.sock, ssl.SSLSocket)
            login = ok(m.login(user, password))
            folders = ok(m.list())
            exists = ok(m.select('INBOX'))
            bye = m.logout()
            print(json.dumps({'secure': secure, 'capabilities': capabilities, 'login': text(login), 'list': text(folders),
                              'exists': int(exists[0]), 'logout': bye[0]}))
            """;

        string output = await Tools.RunAsync("python3", "-c", Script, mode, Port(mode), fixture.Server.CertificatePath, fixture.Address(bob), Passwords.Default);

        var result = Json(output);
        Assert.Equal(mode != "plain", result.GetProperty("secure").GetBoolean());
        var capabilities = result.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()).ToList();
        Assert.Contains("IMAP4REV1", capabilities);
        Assert.Contains("IDLE", capabilities);
        // STARTTLS is offered only while the connection is in the clear.
        Assert.Equal(mode == "plain", capabilities.Contains("STARTTLS"));
        var mailboxes = Mailboxes(result.GetProperty("list").EnumerateArray().Select(l => l.GetString()!));
        Assert.Equal(["INBOX", "Sent", "Trash"], mailboxes.Keys.Order(StringComparer.Ordinal));
        Assert.DoesNotContain(@"\Sent", mailboxes["INBOX"], StringComparison.Ordinal);
        Assert.Contains(@"\Sent", mailboxes["Sent"], StringComparison.Ordinal);
        Assert.Contains(@"\Trash", mailboxes["Trash"], StringComparison.Ordinal);
        Assert.Equal(1, result.GetProperty("exists").GetInt32());
        Assert.Equal("BYE", result.GetProperty("logout").GetString());
    }

    [Fact]
    public async Task PythonImaplib_SearchesReadsFlagsAndAppends_AsTheNativeClientSeesIt()
    {
        var (_, bob, inbox) = await InboxWithAsync("first", "second", "third");
        await using var bobsDevice = await fixture.NativeAsync(bob);
        await bobsDevice.FlagAsync(inbox[2].Id, ["+seen"], Token);
        var before = (await bobsDevice.FoldersAsync(Token)).Single(f => f.Name == "Inbox");
        string appended = $"Date: Wed, 25 Nov 2026 10:00:00 +0000\r\nMessage-ID: <imaplib-{bob}@example.org>\r\nFrom: {fixture.Address(bob)}\r\n"
            + $"To: {fixture.Address(bob)}\r\nSubject: appended by imaplib\r\n\r\nA note to self, Olá ✓\r\n";
        const string Script = Connect + """
            mode, port, cafile, user, password, appended = sys.argv[1:7]
            m = connect(mode, port, cafile)
            ok(m.login(user, password))
            ok(m.select('INBOX'))
            out = {}
            out['uids'] = [int(u) for u in ok(m.uid('SEARCH', 'ALL'))[0].split()]
            out['unseen'] = [int(n) for n in ok(m.search(None, 'UNSEEN'))[0].split()]
            peek = ok(m.fetch('1', '(BODY.PEEK[])'))
            out['peekResponse'] = peek[0][0].decode()
            out['peek'] = base64.b64encode(peek[0][1]).decode()
            read = ok(m.fetch('2', '(BODY[])'))
            out['readResponse'] = read[0][0].decode() + ' ' + b' '.join(p for p in read[1:] if isinstance(p, bytes)).decode()
            out['store'] = text(ok(m.store('1', '+FLAGS', r'(\Flagged)')))
            out['unseenAfter'] = [int(n) for n in ok(m.search(None, 'UNSEEN'))[0].split()]
            out['append'] = text(ok(m.append('INBOX', r'(\Flagged)', None, appended.encode('utf-8'))))
            out['logout'] = m.logout()[0]
            print(json.dumps(out))
            """;

        string output = await Tools.RunAsync("python3", "-c", Script, "starttls", Port("starttls"), fixture.Server.CertificatePath, bob, Passwords.Default, appended);

        var result = Json(output);
        Assert.Equal(inbox.Select(m => m.Uid), result.GetProperty("uids").EnumerateArray().Select(u => u.GetInt64()));
        Assert.Equal([1, 2], result.GetProperty("unseen").EnumerateArray().Select(n => n.GetInt32()));

        // BODY.PEEK[] is the stored document, byte for byte, and leaves it unread.
        Assert.Equal(await bobsDevice.RawAsync(inbox[0].Id, Token), Convert.FromBase64String(result.GetProperty("peek").GetString()!));
        Assert.DoesNotContain("FLAGS", result.GetProperty("peekResponse").GetString()!, StringComparison.Ordinal);

        // BODY[] marks it read, and says so in the same answer.
        Assert.Contains(@"FLAGS (\Seen)", result.GetProperty("readResponse").GetString()!, StringComparison.Ordinal);
        var after = await InboxAsync(bobsDevice);
        Assert.False(after[0].Seen);
        Assert.True(after[1].Seen);
        Assert.Equal([1], result.GetProperty("unseenAfter").EnumerateArray().Select(n => n.GetInt32()));

        // STORE +FLAGS (\Flagged) is what the native client calls flagged.
        Assert.Contains(@"\Flagged", result.GetProperty("store")[0].GetString()!, StringComparison.Ordinal);
        Assert.True(after[0].Flagged);
        Assert.False(after[1].Flagged);

        // APPEND answers with the new message's UIDVALIDITY and UID (UIDPLUS), and stores the bytes as given.
        var appendUid = Regex.Match(result.GetProperty("append")[0].GetString()!, @"^\[APPENDUID (\d+) (\d+)\]");
        Assert.True(appendUid.Success, result.GetProperty("append")[0].GetString());
        Assert.Equal(before.UidValidity, long.Parse(appendUid.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        long uid = long.Parse(appendUid.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(before.UidNext, uid);
        var stored = Assert.Single(after, m => m.Uid == uid);
        Assert.Equal("appended by imaplib", stored.Subject);
        Assert.True(stored.Flagged);
        Assert.Equal(Encoding.UTF8.GetBytes(appended), await bobsDevice.RawAsync(stored.Id, Token));
        Assert.Equal("BYE", result.GetProperty("logout").GetString());
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("tls")]
    public async Task PythonImaplib_Idle_IsWokenByANativeSend(string mode)
    {
        var (alice, bob, _) = await InboxWithAsync("before idling");
        // imaplib has idle() from Python 3.14; before that the script says IDLE and DONE itself.
        const string Script = Connect + """
            mode, port, cafile, user, password = sys.argv[1:6]
            m = connect(mode, port, cafile)
            ok(m.login(user, password))
            ok(m.select('INBOX'))
            exists = None
            if hasattr(m, 'idle'):
                with m.idle(duration=15) as idler:
                    print('IDLING', flush=True)
                    for typ, data in idler:
                        if typ == 'EXISTS':
                            exists = int(data[-1])
                            break
                done = 'OK'
            else:
                tag = m._new_tag()
                m.send(tag + b' IDLE\r\n')
                line = m.readline()
                if not line.startswith(b'+'):
                    raise SystemExit('IDLE refused: %r' % line)
                print('IDLING', flush=True)
                while exists is None:
                    found = re.match(rb'\* (\d+) EXISTS', m.readline())
                    if found:
                        exists = int(found.group(1))
                m.send(b'DONE\r\n')
                while True:
                    line = m.readline()
                    if line.startswith(tag + b' '):
                        done = line[len(tag) + 1:].decode().split(' ')[0]
                        break
            subject = ok(m.fetch(str(exists), '(BODY.PEEK[HEADER.FIELDS (SUBJECT)])'))[0][1].decode().strip()
            m.logout()
            print(json.dumps({'exists': exists, 'done': done, 'subject': subject}), flush=True)
            """;
        await using var alicesDevice = await fixture.NativeAsync(alice);

        await using var python = RunningTool.Start("python3", "-c", Script, mode, Port(mode), fixture.Server.CertificatePath, bob, Passwords.Default);
        await python.WaitForLineAsync(line => line == "IDLING");
        var clock = Stopwatch.StartNew();
        await alicesDevice.SendAsync(new OutgoingMail { To = [bob], Subject = "wake up", Body = "now" }, Token);
        string woken = await python.WaitForLineAsync(line => line.StartsWith('{'));
        clock.Stop();

        var result = Json(woken);
        Assert.Equal(2, result.GetProperty("exists").GetInt32());
        Assert.Equal("OK", result.GetProperty("done").GetString());
        Assert.Equal("Subject: wake up", result.GetProperty("subject").GetString());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"the idling client heard of the new mail after {clock.ElapsedMilliseconds} ms");
        await python.SucceedsAsync();
    }

    [Fact]
    public async Task Curl_Lists_FetchesByUidExactly_AndRunsCustomCommands()
    {
        var (_, bob, inbox) = await InboxWithAsync("one", "two", "three");
        await using var bobsDevice = await fixture.NativeAsync(bob);
        string url = $"imap://127.0.0.1:{fixture.Server.Imap.Port}";
        string[] common = ["--silent", "--show-error", "--user", $"{bob}:{Passwords.Default}"];

        var all = Mailboxes((await Tools.RunAsync("curl", [.. common, $"{url}/"])).Split('\n'));
        Assert.Equal(["INBOX", "Sent", "Trash"], all.Keys.Order(StringComparer.Ordinal));
        Assert.Contains(@"\Sent", all["Sent"], StringComparison.Ordinal);
        Assert.Contains(@"\Trash", all["Trash"], StringComparison.Ordinal);
        var justInbox = Mailboxes((await Tools.RunAsync("curl", [.. common, $"{url}/INBOX"])).Split('\n'));
        Assert.Equal(["INBOX"], justInbox.Keys);

        // ;UID= fetches by UID (UID FETCH n BODY[]): the stored bytes, and the message is read now.
        string file = Path.Combine(fixture.Server.DataPath, $"curl-{bob}.eml");
        await Tools.RunAsync("curl", [.. common, "--output", file, $"{url}/INBOX;UID={inbox[1].Uid}"]);
        Assert.Equal(await bobsDevice.RawAsync(inbox[1].Id, Token), await File.ReadAllBytesAsync(file, Token));
        var after = await InboxAsync(bobsDevice);
        Assert.Equal([false, true, false], after.Select(m => m.Seen));

        string examine = await Tools.RunAsync("curl", [.. common, "--request", "EXAMINE INBOX", $"{url}/"]);
        var folder = (await bobsDevice.FoldersAsync(Token)).Single(f => f.Name == "Inbox");
        Assert.Contains("* 3 EXISTS", examine, StringComparison.Ordinal);
        Assert.Contains($"[UIDVALIDITY {folder.UidValidity}]", examine, StringComparison.Ordinal);
        Assert.Contains($"[UIDNEXT {folder.UidNext}]", examine, StringComparison.Ordinal);
        Assert.Contains("[PERMANENTFLAGS ()]", examine, StringComparison.Ordinal);

        string search = await Tools.RunAsync("curl", [.. common, "--request", "UID SEARCH ALL", $"{url}/INBOX"]);
        Assert.Equal("* SEARCH " + string.Join(' ', inbox.Select(m => m.Uid)), search.Trim());
    }

    [Theory]
    [InlineData("imap")]
    [InlineData("imaps")]
    public async Task Curl_OverStartTlsAndImplicitTls_WithTheServersCertificate(string scheme)
    {
        var (_, bob, inbox) = await InboxWithAsync($"curl {scheme}");
        await using var bobsDevice = await fixture.NativeAsync(bob);
        int port = scheme == "imaps" ? fixture.Server.Imaps.Port : fixture.Server.Imap.Port;
        string url = $"{scheme}://localhost:{port}";
        string[] common = ["--silent", "--show-error", "--resolve", $"localhost:{port}:127.0.0.1", "--ssl-reqd", "--cacert", fixture.Server.CertificatePath,
            "--user", $"{fixture.Address(bob)}:{Passwords.Default}"];

        var all = Mailboxes((await Tools.RunAsync("curl", [.. common, $"{url}/"])).Split('\n'));
        Assert.Equal(["INBOX", "Sent", "Trash"], all.Keys.Order(StringComparer.Ordinal));
        string file = Path.Combine(fixture.Server.DataPath, $"curl-{scheme}-{bob}.eml");
        await Tools.RunAsync("curl", [.. common, "--output", file, $"{url}/INBOX;UID={inbox[0].Uid}"]);
        Assert.Equal(await bobsDevice.RawAsync(inbox[0].Id, Token), await File.ReadAllBytesAsync(file, Token));

        // It really was this certificate: trusting only the system's authorities, curl refuses the server.
        var untrusted = await Tools.RunForExitCodeAsync("curl", new Dictionary<string, string>(), "--silent", "--resolve", $"localhost:{port}:127.0.0.1",
            "--ssl-reqd", "--user", $"{bob}:{Passwords.Default}", $"{url}/");
        Assert.NotEqual(0, untrusted.ExitCode);
    }
}
