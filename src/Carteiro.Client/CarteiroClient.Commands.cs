using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Carteiro.Wire;

namespace Carteiro.Client;

public sealed partial class CarteiroClient
{
    private static ClientJsonContext Json => ClientJsonContext.Default;

    private static void Space(IBufferWriter<byte> writer) => WireWriter.Write(writer, " "u8);

    private static void Arg(IBufferWriter<byte> writer, string value)
    {
        Space(writer);
        WireWriter.WriteArgument(writer, value);
    }

    private static void Atom(IBufferWriter<byte> writer, string atom)
    {
        Space(writer);
        WireWriter.WriteUtf8(writer, atom);
    }

    private static void Number(IBufferWriter<byte> writer, long value)
    {
        Space(writer);
        WireWriter.WriteNumber(writer, value);
    }

    /// <summary>Signs in with a user name and password.</summary>
    /// <exception cref="CarteiroCommandException">Wrong credentials (<c>auth-failed</c>) or throttled (<c>too-many-attempts</c>).</exception>
    public Task<SessionInfo> LoginAsync(string user, string password, CancellationToken cancellationToken = default)
    {
        _signIn = ct => SignInAsync("LOGIN", w =>
        {
            Arg(w, user);
            Arg(w, password);
        }, ct);
        return _signIn(cancellationToken);
    }

    /// <summary>Creates an account and signs in.</summary>
    public async Task<SessionInfo> RegisterAsync(string user, string password, CancellationToken cancellationToken = default)
    {
        var session = await SignInAsync("REGISTER", w =>
        {
            Arg(w, user);
            Arg(w, password);
        }, cancellationToken).ConfigureAwait(false);
        _signIn = ct => SignInAsync("LOGIN", w =>
        {
            Arg(w, user);
            Arg(w, password);
        }, ct);
        return session;
    }

    /// <summary>Signs in with a token from <see cref="CreateTokenAsync"/>.</summary>
    public Task<SessionInfo> AuthAsync(string token, CancellationToken cancellationToken = default)
    {
        _signIn = ct => SignInAsync("AUTH", w => Arg(w, token), ct);
        return _signIn(cancellationToken);
    }

    private async Task<SessionInfo> SignInAsync(string verb, Action<IBufferWriter<byte>> arguments, CancellationToken cancellationToken)
    {
        // Reconnection signs in before the client is ready, so this goes straight to the connection.
        var reply = await _connection.SendAsync(verb, arguments, cancellationToken).ConfigureAwait(false);
        Session = JsonSerializer.Deserialize(reply.Json, Json.SessionInfo)!;
        return Session;
    }

    /// <summary>Makes a login token for this account (shown once).</summary>
    public async Task<string> CreateTokenAsync(string label = "", CancellationToken cancellationToken = default)
    {
        var reply = await CommandAsync("TOKEN", w =>
        {
            Atom(w, "CREATE");
            if (label.Length > 0)
            {
                Arg(w, label);
            }
        }, cancellationToken).ConfigureAwait(false);
        return JsonSerializer.Deserialize(reply.Json, Json.WireToken)!.Token;
    }

    /// <summary>Revokes a token, or the one this session signed in with.</summary>
    public Task RevokeTokenAsync(string? token = null, CancellationToken cancellationToken = default) =>
        CommandAsync("TOKEN", w =>
        {
            Atom(w, "REVOKE");
            if (token is not null)
            {
                Arg(w, token);
            }
        }, cancellationToken);

    /// <summary>Changes the password; the account's tokens are revoked.</summary>
    public async Task ChangePasswordAsync(string oldPassword, string newPassword, CancellationToken cancellationToken = default)
    {
        await CommandAsync("PASSWD", w =>
        {
            Arg(w, oldPassword);
            Arg(w, newPassword);
        }, cancellationToken).ConfigureAwait(false);
        if (Session is { } session)
        {
            _signIn = ct => SignInAsync("LOGIN", w =>
            {
                Arg(w, session.User);
                Arg(w, newPassword);
            }, ct);
        }
    }

    /// <summary>Sends a message; completes once the server has committed it.</summary>
    /// <exception cref="CarteiroCommandException">Refused, e.g. <c>unknown-recipient</c> (all unknown names in the message).</exception>
    public async Task<SendResult> SendAsync(OutgoingMail mail, CancellationToken cancellationToken = default)
    {
        var reply = await CommandAsync("SEND", w =>
        {
            WriteNames(w, "TO", mail.To);
            WriteNames(w, "CC", mail.Cc);
            WriteNames(w, "BCC", mail.Bcc);
            if (mail.ToEveryone)
            {
                Atom(w, "ALL");
            }

            if (mail.Subject.Length > 0)
            {
                Atom(w, "SUBJECT");
                Arg(w, mail.Subject);
            }

            if (mail.ReplyTo is long replyTo)
            {
                Atom(w, "REPLY");
                Number(w, replyTo);
            }

            if (mail.ClientId is not null)
            {
                Atom(w, "ID");
                Arg(w, mail.ClientId);
            }

            foreach (var attachment in mail.Attachments)
            {
                Atom(w, "ATTACH");
                Arg(w, attachment.FileName);
                Arg(w, attachment.ContentType);
                Space(w);
                WireWriter.WriteLiteral(w, attachment.Content.Span);
            }

            // The body goes last, always as a literal: any bytes, no escaping.
            Atom(w, "BODY");
            Space(w);
            WriteUtf8Literal(w, mail.Body);
        }, cancellationToken).ConfigureAwait(false);
        return JsonSerializer.Deserialize(reply.Json, Json.SendResult)!;
    }

    private static void WriteNames(IBufferWriter<byte> writer, string keyword, IReadOnlyList<string> names)
    {
        foreach (string name in names)
        {
            Atom(writer, keyword);
            Arg(writer, name);
        }
    }

    private static void WriteUtf8Literal(IBufferWriter<byte> writer, string text)
    {
        int length = Encoding.UTF8.GetByteCount(text);
        WireWriter.Write(writer, "{"u8);
        WireWriter.WriteNumber(writer, length);
        WireWriter.Write(writer, "}\r\n"u8);
        Encoding.UTF8.GetBytes(text.AsSpan(), writer);
    }

    /// <summary>The account's folders with counts.</summary>
    public async Task<IReadOnlyList<FolderView>> FoldersAsync(CancellationToken cancellationToken = default)
    {
        var reply = await CommandAsync("FOLDERS", null, cancellationToken).ConfigureAwait(false);
        return [.. reply.Data.Where(d => d.Type == "FOLDER").Select(d => JsonSerializer.Deserialize(d.Text, Json.FolderView)!)];
    }

    /// <summary>Creates a folder.</summary>
    public async Task<FolderView> CreateFolderAsync(string name, CancellationToken cancellationToken = default)
    {
        var reply = await CommandAsync("CREATE", w => Arg(w, name), cancellationToken).ConfigureAwait(false);
        return JsonSerializer.Deserialize(reply.Json, Json.FolderView)!;
    }

    /// <summary>One page of a folder, newest first.</summary>
    public async Task<MailPage> ListAsync(string folder = "Inbox", int limit = 50, int offset = 0, long? beforeUid = null, bool unreadOnly = false, CancellationToken cancellationToken = default)
    {
        var reply = await CommandAsync("LIST", w =>
        {
            Arg(w, folder);
            if (unreadOnly)
            {
                Atom(w, "UNREAD");
            }

            Atom(w, "LIMIT");
            Number(w, limit);
            if (offset > 0)
            {
                Atom(w, "OFFSET");
                Number(w, offset);
            }

            if (beforeUid is long before)
            {
                Atom(w, "BEFORE");
                Number(w, before);
            }
        }, cancellationToken).ConfigureAwait(false);
        var result = JsonSerializer.Deserialize(reply.Json, Json.WireListResult)!;
        return new MailPage(result.Folder, result.Total, result.Unread, Items(reply));
    }

    private static List<MailSummary> Items(ServerReply reply) =>
        [.. reply.Data.Where(d => d.Type == "ITEM").Select(d => JsonSerializer.Deserialize(d.Text, Json.MailSummary)!)];

    /// <summary>Reads a message (marking it seen unless <paramref name="peek"/>), with attachment bytes when asked.</summary>
    public async Task<MailMessage> ReadAsync(long id, bool peek = false, bool attachments = false, CancellationToken cancellationToken = default)
    {
        var reply = await CommandAsync("READ", w =>
        {
            Number(w, id);
            if (peek)
            {
                Atom(w, "PEEK");
            }

            if (attachments)
            {
                Atom(w, "ATTACHMENTS");
            }
        }, cancellationToken).ConfigureAwait(false);
        var header = reply.Data.First(d => d.Type == "MESSAGE");
        var summary = JsonSerializer.Deserialize(header.Text, Json.MailSummary)!;
        var extra = JsonSerializer.Deserialize(header.Text, Json.WireMessage)!;
        var body = reply.Data.FirstOrDefault(d => d.Type == "BODY").Bytes ?? [];
        var contents = new Dictionary<int, byte[]>();
        foreach (var line in reply.Data.Where(d => d.Type == "ATTACHMENT"))
        {
            contents[int.Parse(line.Text.Split(' ')[0], CultureInfo.InvariantCulture)] = line.Bytes ?? [];
        }

        var files = extra.Attachments.Select((a, i) => new MailAttachment(a.Name, a.Type, a.Size, contents.GetValueOrDefault(i))).ToList();
        return new MailMessage(summary, Encoding.UTF8.GetString(body), extra.MessageId, files);
    }

    /// <summary>The stored RFC 5322 document.</summary>
    public async Task<byte[]> RawAsync(long id, CancellationToken cancellationToken = default)
    {
        var reply = await CommandAsync("RAW", w => Number(w, id), cancellationToken).ConfigureAwait(false);
        return reply.Data.FirstOrDefault(d => d.Type == "RAW").Bytes ?? [];
    }

    /// <summary>Changes flags: each change is <c>+flag</c> or <c>-flag</c> (seen, flagged, answered).</summary>
    public async Task<MailSummary> FlagAsync(long id, IEnumerable<string> changes, CancellationToken cancellationToken = default)
    {
        var list = changes.ToList();
        var reply = await CommandAsync("FLAG", w =>
        {
            Number(w, id);
            foreach (string change in list)
            {
                Arg(w, change);
            }
        }, cancellationToken).ConfigureAwait(false);
        return JsonSerializer.Deserialize(reply.Json, Json.MailSummary)!;
    }

    /// <summary>Moves a message to another folder.</summary>
    public async Task<MailSummary> MoveAsync(long id, string folder, CancellationToken cancellationToken = default)
    {
        var reply = await CommandAsync("MOVE", w =>
        {
            Number(w, id);
            Arg(w, folder);
        }, cancellationToken).ConfigureAwait(false);
        return JsonSerializer.Deserialize(reply.Json, Json.MailSummary)!;
    }

    /// <summary>Moves a message to Trash, or deletes it for good when it is there already or <paramref name="purge"/>.</summary>
    public async Task<DeleteResult> DeleteAsync(long id, bool purge = false, CancellationToken cancellationToken = default)
    {
        var reply = await CommandAsync("DELETE", w =>
        {
            Number(w, id);
            if (purge)
            {
                Atom(w, "PURGE");
            }
        }, cancellationToken).ConfigureAwait(false);
        return JsonSerializer.Deserialize(reply.Json, Json.DeleteResult)!;
    }

    /// <summary>Full-text search, newest first.</summary>
    public async Task<IReadOnlyList<MailSummary>> SearchAsync(string text, string? folder = null, int limit = 50, int offset = 0, CancellationToken cancellationToken = default)
    {
        var reply = await CommandAsync("SEARCH", w =>
        {
            Arg(w, text);
            if (folder is not null)
            {
                Atom(w, "IN");
                Arg(w, folder);
            }

            Atom(w, "LIMIT");
            Number(w, limit);
            if (offset > 0)
            {
                Atom(w, "OFFSET");
                Number(w, offset);
            }
        }, cancellationToken).ConfigureAwait(false);
        return Items(reply);
    }

    /// <summary>Who is online.</summary>
    public async Task<IReadOnlyList<OnlineUser>> WhoAsync(CancellationToken cancellationToken = default)
    {
        var reply = await CommandAsync("WHO", null, cancellationToken).ConfigureAwait(false);
        return [.. reply.Data.Where(d => d.Type == "USER").Select(d => JsonSerializer.Deserialize(d.Text, Json.OnlineUser)!)];
    }

    /// <summary>Account names starting with <paramref name="prefix"/>, for completion.</summary>
    public async Task<IReadOnlyList<string>> UsersAsync(string prefix = "", int limit = 20, CancellationToken cancellationToken = default)
    {
        var reply = await CommandAsync("USERS", w =>
        {
            if (prefix.Length > 0)
            {
                Arg(w, prefix);
            }

            Atom(w, "LIMIT");
            Number(w, limit);
        }, cancellationToken).ConfigureAwait(false);
        return [.. reply.Data.Where(d => d.Type == "NAME").Select(d => JsonSerializer.Deserialize(d.Text, Json.WireName)!.Name)];
    }

    /// <summary>Round trip to the server; also keeps the connection alive.</summary>
    public Task PingAsync(CancellationToken cancellationToken = default) => CommandAsync("NOOP", null, cancellationToken);

    /// <summary>Says goodbye (others see you offline at once) and closes the connection.</summary>
    public async Task LogoutAsync(CancellationToken cancellationToken = default)
    {
        _signIn = null;
        try
        {
            await CommandAsync("LOGOUT", null, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await DisposeAsync().ConfigureAwait(false);
        }
    }
}
