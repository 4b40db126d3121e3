using System.Text;
using System.Text.Json;
using Carteiro.TestKit;

namespace Carteiro.IntegrationTests.Support;

/// <summary>
/// One client over a <see cref="RawConnection"/>: numbers tags, splits pushed events from replies
/// and keeps events that arrive while a command is answered, so a test can await them later.
/// </summary>
internal sealed class Peer : IAsyncDisposable
{
    public static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(15);
    private static readonly string[] EventPrefixes = ["* MAIL ", "* UPDATE ", "* REMOVED ", "* PRESENCE ", "* BYE "];
    private readonly List<string> _backlog = [];
    private int _nextTag;

    private Peer(RawConnection raw, string user)
    {
        Raw = raw;
        User = user;
    }

    public RawConnection Raw { get; }

    /// <summary>The signed-in user name (empty when not signed in).</summary>
    public string User { get; private set; }

    public string Greeting => Raw.Greeting;

    public static async Task<Peer> ConnectAsync(TestServer server) => new(await RawConnection.ConnectAsync(server), "");

    public static async Task<Peer> SignInAsync(TestServer server, string user, string password = Passwords.Default)
    {
        var peer = await ConnectAsync(server);
        var reply = await peer.CommandAsync($"LOGIN {user} {Json.Quote(password)}");
        reply.AssertOk();
        peer.User = user;
        return peer;
    }

    /// <summary>Creates a user with a unique name and signs it in.</summary>
    public static async Task<Peer> NewUserAsync(TestServer server, string prefix, bool admin = false)
    {
        var account = await server.CreateUserAsync(UniqueName.Of(prefix), admin: admin);
        return await SignInAsync(server, account.Name);
    }

    public string NextTag() => $"t{Interlocked.Increment(ref _nextTag)}";

    /// <summary>Sends one command (the tag is added) and reads its answer.</summary>
    public async Task<Reply> CommandAsync(string command)
    {
        string tag = NextTag();
        await Raw.SendAsync($"{tag} {command}");
        return await ReadReplyAsync(tag);
    }

    /// <summary>Reads up to the tagged reply for <paramref name="tag"/>; events on the way are kept.</summary>
    public async Task<Reply> ReadReplyAsync(string tag)
    {
        var lines = await Raw.ReadUntilAsync(tag + " ");
        var answer = new List<string>(lines.Count);
        foreach (string line in lines)
        {
            if (IsEvent(line))
            {
                _backlog.Add(line);
            }
            else
            {
                answer.Add(line);
            }
        }

        return new Reply(tag, answer);
    }

    /// <summary>
    /// Reads the tagged replies of pipelined commands that may complete in any order (consecutive
    /// SENDs); returns them in the order of <paramref name="tags"/>. Data lines are not expected.
    /// </summary>
    public async Task<List<Reply>> ReadRepliesAsync(IReadOnlyList<string> tags)
    {
        var replies = new Dictionary<string, Reply>(StringComparer.Ordinal);
        var pending = new HashSet<string>(tags, StringComparer.Ordinal);
        while (pending.Count > 0)
        {
            string line = await Raw.ReadLineAsync() ?? throw new IOException($"closed with {pending.Count} replies missing");
            if (IsEvent(line))
            {
                _backlog.Add(line);
                continue;
            }

            string tag = line[..Math.Max(0, line.IndexOf(' ', StringComparison.Ordinal))];
            Assert.True(pending.Remove(tag), $"unexpected line: {line}");
            replies[tag] = new Reply(tag, [line]);
        }

        return [.. tags.Select(t => replies[t])];
    }

    public Task<Reply> SendMailAsync(string to, string subject, string body = "hello") =>
        CommandAsync($"SEND TO {to} SUBJECT {Json.Quote(subject)} BODY {Json.Quote(body)}");

    /// <summary>Awaits the next pushed <c>* TYPE</c> event that matches (events seen earlier count too).</summary>
    public async Task<JsonElement> EventAsync(string type, Func<JsonElement, bool>? match = null, TimeSpan? timeout = null)
    {
        string prefix = $"* {type} ";
        match ??= _ => true;
        for (int i = 0; i < _backlog.Count; i++)
        {
            if (_backlog[i].StartsWith(prefix, StringComparison.Ordinal) && match(Json.After(_backlog[i], prefix)))
            {
                var found = Json.After(_backlog[i], prefix);
                _backlog.RemoveAt(i);
                return found;
            }
        }

        var deadline = DateTime.UtcNow + (timeout ?? EventTimeout);
        var seen = new StringBuilder();
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"no matching '{prefix.Trim()}' for {User} in time; saw: {seen}");
            }

            string? line;
            try
            {
                line = await Raw.ReadLineAsync(left);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"no matching '{prefix.Trim()}' for {User} in time; saw: {seen}");
            }

            if (line is null)
            {
                throw new IOException($"connection closed before a matching '{prefix.Trim()}'; saw: {seen}");
            }

            if (line.StartsWith(prefix, StringComparison.Ordinal) && match(Json.After(line, prefix)))
            {
                return Json.After(line, prefix);
            }

            seen.Append(line.Length > 200 ? line[..200] : line).Append(" | ");
            if (IsEvent(line))
            {
                _backlog.Add(line);
            }
        }
    }

    /// <summary>True when a matching <c>* TYPE</c> event has already arrived (and was not awaited yet).</summary>
    public bool HasSeen(string type, Func<JsonElement, bool> match)
    {
        string prefix = $"* {type} ";
        return _backlog.Any(line => line.StartsWith(prefix, StringComparison.Ordinal) && match(Json.After(line, prefix)));
    }

    /// <summary>Awaits a <c>* MAIL</c> filing the message with server-wide number <paramref name="message"/> in <paramref name="folder"/>.</summary>
    public Task<JsonElement> MailAsync(long message, string folder = "Inbox", TimeSpan? timeout = null) =>
        EventAsync("MAIL", m => m.Long("message") == message && m.Str("folder") == folder, timeout);

    private static bool IsEvent(string line) => EventPrefixes.Any(p => line.StartsWith(p, StringComparison.Ordinal));

    public ValueTask DisposeAsync() => Raw.DisposeAsync();
}
