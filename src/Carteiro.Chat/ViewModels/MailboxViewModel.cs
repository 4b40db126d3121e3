using Carteiro.Client;

namespace Carteiro.Chat.ViewModels;

/// <summary>
/// The signed-in screen's state: folders, the message list, the reading pane, who is online, the
/// connection, the draft and the status-line notice; and every action the keys lead to. It is
/// used from the UI thread only: server events reach it through <see cref="Apply"/>, posted there
/// by the event pump.
/// </summary>
internal sealed class MailboxViewModel
{
    private readonly CarteiroClient _client;
    private readonly TimeProvider _time;

    public MailboxViewModel(CarteiroClient client, string server, TimeProvider? time = null)
    {
        _client = client;
        _time = time ?? TimeProvider.System;
        Me = client.Session?.User ?? throw new InvalidOperationException("sign in first");
        Folders = new FolderListViewModel(client);
        Messages = new MessageListViewModel(client);
        Reader = new ReadingPaneViewModel(client);
        Presence = new PresenceViewModel(client);
        Connection = new ConnectionViewModel(Me, server);
        Completer = new RecipientCompleter(client);
    }

    public string Me { get; }

    public CarteiroClient Client => _client;

    public FolderListViewModel Folders { get; }

    public MessageListViewModel Messages { get; }

    public ReadingPaneViewModel Reader { get; }

    public PresenceViewModel Presence { get; }

    public ConnectionViewModel Connection { get; }

    public RecipientCompleter Completer { get; }

    /// <summary>The message being written, kept until it is sent or discarded.</summary>
    public Draft? Draft { get; set; }

    /// <summary>True when quitting would lose typed text.</summary>
    public bool HasUnsentDraft => Draft is { IsBlank: false };

    /// <summary>The last thing worth telling (new mail, an error, what an action did).</summary>
    public string Notice { get; private set; } = "";

    /// <summary>Raised when <see cref="Notice"/> changes.</summary>
    public event Action? NoticeChanged;

    public DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>Loads folders, the inbox and who is online.</summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await Task.WhenAll(Folders.RefreshAsync(cancellationToken), Messages.LoadAsync("Inbox", cancellationToken), Presence.RefreshAsync(cancellationToken));
        // Counts live in the folder list; the notice only greets (it would go stale).
        Say($"signed in as {Me}; ? for help");
    }

    public void Say(string notice)
    {
        Notice = notice;
        NoticeChanged?.Invoke();
    }

    /// <summary>Applies one pushed event (on the UI thread).</summary>
    public void Apply(ClientEvent clientEvent)
    {
        switch (clientEvent)
        {
            case MailEvent { Message: var mail }:
                Folders.OnMail(mail);
                Messages.OnMail(mail);
                if (mail.Folder == "Inbox")
                {
                    Say($"New mail from {mail.From}: {(mail.Subject.Length == 0 ? "(no subject)" : mail.Subject)}");
                }

                break;
            case UpdateEvent { Message: var mail }:
                Messages.OnUpdate(mail);
                Reader.OnUpdate(mail);
                _ = RefreshFoldersAsync();
                break;
            case RemovedEvent removed:
                Messages.OnRemoved(removed.Id);
                if (Reader.Message?.Summary.Id == removed.Id)
                {
                    Reader.Clear();
                }

                _ = RefreshFoldersAsync();
                break;
            case PresenceEvent presence:
                Presence.OnPresence(presence);
                break;
            case ByeEvent bye:
                Connection.OnBye(bye.Reason);
                break;
            case ConnectionStateEvent { State: var state }:
                Connection.OnState(state);
                if (state == ConnectionState.Connected)
                {
                    // Events sent while we were away are lost: catch up from the server.
                    _ = CatchUpAsync();
                }
                else if (state == ConnectionState.Disconnected)
                {
                    Say("disconnected from the server; drafts are kept, restart to reconnect");
                }

                break;
        }
    }

    public async Task SelectFolderAsync(string folder, CancellationToken cancellationToken = default)
    {
        await Messages.LoadAsync(folder, cancellationToken);
        Reader.Clear();
    }

    /// <summary>Opens the selected message in the reading pane (marking it read).</summary>
    public async Task<MailMessage?> OpenSelectedAsync(CancellationToken cancellationToken = default)
    {
        if (Messages.Selected is not { } selected)
        {
            return null;
        }

        return await Attempt(() => Reader.OpenAsync(selected.Id, cancellationToken));
    }

    /// <summary>The selected message in full, from the reading pane when it is open there.</summary>
    public async Task<MailMessage?> SelectedMessageAsync(CancellationToken cancellationToken = default)
    {
        if (Messages.Selected is not { } selected)
        {
            Say("no message selected");
            return null;
        }

        return Reader.Message?.Summary.Id == selected.Id ? Reader.Message : await OpenSelectedAsync(cancellationToken);
    }

    /// <summary>Moves the selected message to Trash (or deletes it for good when it is in Trash).</summary>
    public async Task DeleteSelectedAsync(CancellationToken cancellationToken = default)
    {
        if (Messages.Selected is not { } selected)
        {
            return;
        }

        var result = await Attempt(() => _client.DeleteAsync(selected.Id, cancellationToken: cancellationToken));
        if (result is null)
        {
            return;
        }

        // The UPDATE/REMOVED event will say the same; apply now so the list moves on at once.
        Messages.OnRemoved(selected.Id);
        if (Reader.Message?.Summary.Id == selected.Id)
        {
            Reader.Clear();
        }

        Say(result.Deleted ? "deleted for good" : "moved to Trash");
        await RefreshFoldersAsync();
    }

    public async Task ToggleUnreadAsync(CancellationToken cancellationToken = default)
    {
        if (Messages.Selected is { } selected)
        {
            await ChangeFlagAsync(selected, selected.Seen ? "-seen" : "+seen", selected.Seen ? "marked unread" : "marked read", cancellationToken);
        }
    }

    public async Task ToggleFlagAsync(CancellationToken cancellationToken = default)
    {
        if (Messages.Selected is { } selected)
        {
            await ChangeFlagAsync(selected, selected.Flagged ? "-flagged" : "+flagged", selected.Flagged ? "flag removed" : "flagged", cancellationToken);
        }
    }

    public async Task MoveSelectedAsync(string folder, CancellationToken cancellationToken = default)
    {
        if (Messages.Selected is not { } selected)
        {
            return;
        }

        if (Folders.Folders.All(f => !string.Equals(f.Name, folder, StringComparison.OrdinalIgnoreCase)))
        {
            if (await Attempt(() => _client.CreateFolderAsync(folder, cancellationToken)) is null)
            {
                return;
            }
        }

        var moved = await Attempt(() => _client.MoveAsync(selected.Id, folder, cancellationToken));
        if (moved is not null)
        {
            Messages.OnUpdate(moved);
            Say($"moved to {moved.Folder}");
            await RefreshFoldersAsync();
        }
    }

    public async Task SearchAsync(string text, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            await Attempt(async () =>
            {
                await Messages.LoadAsync(Folders.Selected, cancellationToken);
                return true;
            });
            return;
        }

        if (await Attempt(async () =>
        {
            await Messages.SearchAsync(text.Trim(), cancellationToken);
            return true;
        }))
        {
            Say($"{Messages.Items.Count} found for \"{text.Trim()}\" (Esc for the folder)");
        }
    }

    /// <summary>Loads folders, the list and who is online again (after a reconnection, or on F5).</summary>
    public async Task CatchUpAsync(CancellationToken cancellationToken = default)
    {
        await Attempt(async () =>
        {
            await Task.WhenAll(Folders.RefreshAsync(cancellationToken), Messages.ReloadAsync(cancellationToken), Presence.RefreshAsync(cancellationToken));
            return true;
        });
    }

    private async Task ChangeFlagAsync(MailSummary selected, string change, string done, CancellationToken cancellationToken)
    {
        var changed = await Attempt(() => _client.FlagAsync(selected.Id, [change], cancellationToken));
        if (changed is not null)
        {
            Messages.OnUpdate(changed);
            Reader.OnUpdate(changed);
            Say(done);
            await RefreshFoldersAsync();
        }
    }

    private async Task RefreshFoldersAsync()
    {
        await Attempt(async () =>
        {
            await Folders.RefreshAsync();
            return true;
        });
    }

    // Runs one server call; a refusal or a lost connection becomes the notice instead of an exception.
    private async Task<T?> Attempt<T>(Func<Task<T>> call)
    {
        // The client holds commands while it reconnects; a person should hear "not now" instead.
        if (Connection.State != ConnectionState.Connected)
        {
            Say("not connected: try again when the connection is back");
            return default;
        }

        try
        {
            return await call();
        }
        catch (CarteiroCommandException refused)
        {
            Say($"{refused.Code}: {refused.Message}");
        }
        catch (CarteiroConnectionException)
        {
            Say("not connected: try again when the connection is back");
        }
        catch (ObjectDisposedException)
        {
            // Quitting.
        }

        return default;
    }
}
