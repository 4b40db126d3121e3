using Carteiro.Client;

namespace Carteiro.Chat.ViewModels;

/// <summary>
/// Sends a <see cref="Draft"/>. A send that fails — refused, or the connection is down — leaves the
/// draft as it was and says why; the draft's client id makes a retry safe.
/// </summary>
internal sealed class ComposeViewModel(CarteiroClient client, Draft draft, ConnectionViewModel? connection = null)
{
    private const string NotConnected = "not sent: no connection; the draft is kept (Ctrl+S to retry)";

    public Draft Draft { get; } = draft;

    public string? Error { get; private set; }

    public bool Sending { get; private set; }

    /// <summary>Sends the draft; true when the server has stored it.</summary>
    public async Task<bool> SendAsync(CancellationToken cancellationToken = default)
    {
        if (Sending)
        {
            return false;
        }

        Error = Validate();
        if (Error is not null)
        {
            return false;
        }

        // While the client reconnects its commands wait; say so now rather than hang on "sending…".
        if (connection is { State: not ConnectionState.Connected })
        {
            Error = NotConnected;
            return false;
        }

        Sending = true;
        try
        {
            var attachments = new List<OutgoingAttachment>(Draft.Carried);
            foreach (string path in Draft.Paths(Draft.Attachments))
            {
                string full = Expand(path);
                if (!File.Exists(full))
                {
                    Error = $"no such file to attach: {path}";
                    return false;
                }

                attachments.Add(new OutgoingAttachment(Path.GetFileName(full), ContentTypes.Guess(full), await File.ReadAllBytesAsync(full, cancellationToken)));
            }

            await client.SendAsync(new OutgoingMail
            {
                To = Draft.Names(Draft.To),
                Cc = Draft.Names(Draft.Cc),
                Bcc = Draft.Names(Draft.Bcc),
                ToEveryone = Draft.ToEveryone,
                Subject = Draft.Subject.ReplaceLineEndings(" ").Trim(),
                Body = Draft.Body,
                Attachments = attachments,
                ReplyTo = Draft.ReplyTo,
                ClientId = Draft.ClientId,
            }, cancellationToken);
            Error = null;
            return true;
        }
        catch (CarteiroCommandException refused)
        {
            Error = refused.Code switch
            {
                "unknown-recipient" => refused.Message,
                "forbidden" when Draft.ToEveryone => "this server lets only admins write to everyone",
                _ => $"{refused.Code}: {refused.Message}",
            };
            return false;
        }
        catch (CarteiroConnectionException)
        {
            Error = NotConnected;
            return false;
        }
        catch (IOException io)
        {
            Error = $"cannot read an attachment: {io.Message}";
            return false;
        }
        catch (UnauthorizedAccessException denied)
        {
            Error = $"cannot read an attachment: {denied.Message}";
            return false;
        }
        finally
        {
            Sending = false;
        }
    }

    private string? Validate()
    {
        if (!Draft.ToEveryone && Draft.Names(Draft.To).Count + Draft.Names(Draft.Cc).Count + Draft.Names(Draft.Bcc).Count == 0)
        {
            return "add a recipient in To, Cc or Bcc";
        }

        var malformed = Draft.Names(Draft.To).Concat(Draft.Names(Draft.Cc)).Concat(Draft.Names(Draft.Bcc)).Where(name => !IsUserName(name)).ToList();
        if (malformed.Count > 0)
        {
            return $"not a user name: {string.Join(", ", malformed)}";
        }

        return Draft.Subject.Length > 998 ? "the subject is too long (998 characters at most)" : null;
    }

    // The server's rule for names (docs/PROTOCOL.md): 1-64 letters, digits, '.', '_', '-'.
    private static bool IsUserName(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    private static string Expand(string path) =>
        path.StartsWith("~/", StringComparison.Ordinal)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[2..])
            : Path.GetFullPath(path);
}
