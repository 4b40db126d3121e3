using System.Collections.ObjectModel;
using Carteiro.Chat.Keys;
using Carteiro.Chat.ViewModels;
using Carteiro.Client;
using Terminal.Gui.App;
using Terminal.Gui.Drawing;
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

// TextView is marked obsolete in Terminal.Gui 2.5 in favour of a separate editor package that the
// package mirror does not carry; it is still the multi-line view Terminal.Gui ships.
#pragma warning disable CS0618

namespace Carteiro.Chat.Views;

/// <summary>
/// The signed-in screen: folders and who is online on the left, the message list above the reading
/// pane on the right, a status line (notices, connection) and the key hints at the bottom. It only
/// shows the <see cref="MailboxViewModel"/> and turns keys into its actions.
/// </summary>
internal sealed class MainWindow : Window
{
    private const int LeftWidth = 20;

    private readonly IApplication _app;
    private readonly MailboxViewModel _vm;
    private readonly ObservableCollection<string> _folderRows = [];
    private readonly ObservableCollection<string> _messageRows = [];
    private readonly ObservableCollection<string> _onlineRows = [];
    private readonly FrameView _folderFrame;
    private readonly FrameView _onlineFrame;
    private readonly FrameView _messageFrame;
    private readonly FrameView _readerFrame;
    private readonly ListView _folders;
    private readonly ListView _online;
    private readonly ListView _messages;
    private readonly TextView _reader;
    private readonly Label _notice;
    private readonly Label _connection;
    private readonly Label _keys;
    private ComposeView? _compose;
    private bool _rendering;

    public MainWindow(IApplication app, MailboxViewModel vm)
    {
        _app = app;
        _vm = vm;
        Title = $"carteiro — {vm.Me}";
        BorderStyle = LineStyle.None;

        _folderFrame = new FrameView { Title = "Folders", Width = LeftWidth, Height = 7 };
        _folders = new ListView { Width = Dim.Fill(), Height = Dim.Fill() };
        _folders.SetSource(_folderRows);
        _folderFrame.Add(_folders);

        _onlineFrame = new FrameView { Title = "Online", Y = Pos.Bottom(_folderFrame), Width = LeftWidth, Height = Dim.Fill(2) };
        _online = new ListView { Width = Dim.Fill(), Height = Dim.Fill() };
        _online.SetSource(_onlineRows);
        _onlineFrame.Add(_online);

        _messageFrame = new FrameView { Title = "Inbox", X = LeftWidth, Width = Dim.Fill(), Height = Dim.Percent(50) };
        _messages = new ListView { Width = Dim.Fill(), Height = Dim.Fill() };
        _messages.SetSource(_messageRows);
        _messageFrame.Add(_messages);

        _readerFrame = new FrameView { Title = "Message", X = LeftWidth, Y = Pos.Bottom(_messageFrame), Width = Dim.Fill(), Height = Dim.Fill(2) };
        _reader = new TextView { Width = Dim.Fill(), Height = Dim.Fill(), ReadOnly = true, WordWrap = true };
        _readerFrame.Add(_reader);

        _connection = new Label { X = Pos.AnchorEnd(), Y = Pos.AnchorEnd(2), Width = Dim.Auto(), Text = vm.Connection.Text };
        _notice = new Label { Y = Pos.AnchorEnd(2), Width = Dim.Fill(_connection) };
        _keys = new Label { Y = Pos.AnchorEnd(1), Width = Dim.Fill() };

        Add(_folderFrame, _onlineFrame, _messageFrame, _readerFrame, _notice, _connection, _keys);

        vm.Folders.Changed += RenderFolders;
        vm.Messages.Changed += RenderMessages;
        vm.Reader.Changed += RenderReader;
        vm.Presence.Changed += RenderPresence;
        vm.Connection.Changed += RenderConnection;
        vm.NoticeChanged += () => _notice.Text = vm.Notice;

        _messages.ValueChanged += (_, e) =>
        {
            if (!_rendering && e.NewValue is int index)
            {
                _vm.Messages.SelectedIndex = index;
                Run(_vm.Messages.LoadMoreIfNeededAsync());
            }
        };
        _folders.ValueChanged += (_, e) =>
        {
            if (!_rendering && e.NewValue is int index)
            {
                _vm.Folders.SelectedIndex = index;
            }
        };
        FrameChanged += (_, _) => _keys.Text = KeyMap.StatusLine(KeyMap.Main.Bindings, Math.Max(20, Frame.Width));
        _app.Keyboard.KeyDown += OnKeyDown;
        _messages.SetFocus();
    }

    /// <summary>Loads the first screen; called on the UI thread once the loop runs.</summary>
    public void Start() => Run(_vm.StartAsync());

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _app.Keyboard.KeyDown -= OnKeyDown;
        }

        base.Dispose(disposing);
    }

    private void OnKeyDown(object? sender, Key key)
    {
        // Only while this window is on top: dialogs and help screens take their own keys.
        if (_app.TopRunnableView != this)
        {
            return;
        }

        if (_compose is { } form)
        {
            key.Handled = form.HandleKey(key);
            return;
        }

        if (!KeyMap.Main.TryFind(key.ToString(), out var action))
        {
            // Terminal.Gui's own quit keys would close the window without asking about a draft.
            if (Application.GetDefaultKeys(Command.Quit).Contains(key))
            {
                key.Handled = true;
                Quit();
            }

            return;
        }

        key.Handled = true;
        if (action == ChatAction.ClearSearch && _vm.Messages.Search is null)
        {
            // Esc outside a search does nothing (Terminal.Gui would quit).
            return;
        }

        Run(DoAsync(action));
    }

    private async Task DoAsync(ChatAction action)
    {
        switch (action)
        {
            case ChatAction.Open when _folders.HasFocus:
                await _vm.SelectFolderAsync(_vm.Folders.Selected);
                _messages.SetFocus();
                break;
            case ChatAction.Open:
                await _vm.OpenSelectedAsync();
                break;
            case ChatAction.NextMessage:
                _messages.InvokeCommand(Command.Down);
                break;
            case ChatAction.PreviousMessage:
                _messages.InvokeCommand(Command.Up);
                break;
            case ChatAction.PageReader:
                _reader.InvokeCommand(Command.PageDown);
                break;
            case ChatAction.Compose:
                Compose(_vm.Draft is { IsBlank: false } ? _vm.Draft : DraftFactory.New());
                break;
            case ChatAction.ToEveryone:
                if (ConfirmReplacingDraft())
                {
                    Compose(DraftFactory.ToEveryone());
                }

                break;
            case ChatAction.Reply or ChatAction.ReplyAll or ChatAction.Forward:
                if (ConfirmReplacingDraft() && await _vm.SelectedMessageAsync() is { } message)
                {
                    Compose(action switch
                    {
                        ChatAction.Reply => DraftFactory.Reply(message, _vm.Me),
                        ChatAction.ReplyAll => DraftFactory.ReplyAll(message, _vm.Me),
                        _ => DraftFactory.Forward(message),
                    });
                }

                break;
            case ChatAction.Delete:
                await _vm.DeleteSelectedAsync();
                break;
            case ChatAction.ToggleUnread:
                await _vm.ToggleUnreadAsync();
                break;
            case ChatAction.ToggleFlag:
                await _vm.ToggleFlagAsync();
                break;
            case ChatAction.Move:
                if (_vm.Messages.Selected is not null && Prompt.Ask(_app, "Move", "To folder:") is { Length: > 0 } folder)
                {
                    await _vm.MoveSelectedAsync(folder.Trim());
                }

                break;
            case ChatAction.Search:
                if (Prompt.Ask(_app, "Search", "Words:", _vm.Messages.Search ?? "") is { } text)
                {
                    await _vm.SearchAsync(text);
                }

                break;
            case ChatAction.ClearSearch:
                await _vm.SearchAsync("");
                break;
            case ChatAction.Who:
                ShowWho();
                break;
            case ChatAction.NextPane:
                NextPane();
                break;
            case ChatAction.Refresh:
                await _vm.CatchUpAsync();
                _vm.Say("refreshed");
                break;
            case ChatAction.Help:
                TextScreen.Show(_app, "Keys", KeyMap.Main.HelpText());
                break;
            case ChatAction.Quit:
                Quit();
                break;
        }
    }

    // The form covers the panes (hidden meanwhile, so Tab stays inside it) until it is left.
    private void Compose(Draft draft)
    {
        _vm.Draft = draft;
        var form = new ComposeView(_app, _vm, draft);
        _compose = form;
        SetPanesVisible(false);
        Add(form);
        form.FocusFirstField();
        form.Closed += outcome =>
        {
            Remove(form);
            form.Dispose();
            _compose = null;
            SetPanesVisible(true);
            _messages.SetFocus();
            switch (outcome)
            {
                case ComposeOutcome.Sent:
                    _vm.Draft = null;
                    _vm.Say(draft.ToEveryone ? "sent to everyone" : $"sent to {string.Join(", ", Draft.Names(draft.To).Concat(Draft.Names(draft.Cc)).Concat(Draft.Names(draft.Bcc)))}");
                    break;
                case ComposeOutcome.Discarded:
                    _vm.Draft = null;
                    _vm.Say("draft discarded");
                    break;
                default:
                    _vm.Say(draft.IsBlank ? "" : "draft kept: c to continue it");
                    break;
            }
        };
    }

    private void SetPanesVisible(bool visible)
    {
        foreach (var pane in new View[] { _folderFrame, _onlineFrame, _messageFrame, _readerFrame, _notice, _connection, _keys })
        {
            pane.Visible = visible;
        }
    }

    private bool ConfirmReplacingDraft()
    {
        if (!_vm.HasUnsentDraft)
        {
            return true;
        }

        return MessageBox.Query(_app, "Unsent draft", "You have an unsent draft. Discard it and start another?", "_Discard", "_Keep") == 0;
    }

    private void Quit()
    {
        if (_vm.HasUnsentDraft
            && MessageBox.Query(_app, "Quit", "You have an unsent draft. Quit and lose it?", "_Quit", "_Cancel") != 0)
        {
            return;
        }

        RequestStop();
    }

    private void ShowWho()
    {
        var online = _vm.Presence.Users;
        var lines = online.Select(u => $"{u.Name,-24} {u.Sessions} session{(u.Sessions == 1 ? " " : "s")}  since {u.Since.ToLocalTime():ddd HH:mm}");
        TextScreen.Show(_app, $"Online ({online.Count})", string.Join('\n', lines));
    }

    private void NextPane()
    {
        if (_folders.HasFocus)
        {
            _messages.SetFocus();
        }
        else if (_messages.HasFocus)
        {
            _reader.SetFocus();
        }
        else
        {
            _folders.SetFocus();
        }
    }

    private void RenderFolders()
    {
        Rendering(() =>
        {
            Replace(_folderRows, _vm.Folders.Folders.Select(FolderListViewModel.Label));
            _folders.SelectedItem = _vm.Folders.SelectedIndex;
            _folderFrame.Height = Math.Clamp(_folderRows.Count + 2, 5, 10);
            _app.Driver?.SetTerminalTitle($"carteiro — {_vm.Me}{(_vm.Folders.InboxUnread > 0 ? $" ({_vm.Folders.InboxUnread})" : "")}");
        });
    }

    private void RenderMessages()
    {
        Rendering(() =>
        {
            var now = _vm.Now;
            Replace(_messageRows, _vm.Messages.Items.Select(m => MessageRow.Format(m, _vm.Me, now)));
            _messageFrame.Title = _vm.Messages.Title;
            _messages.SelectedItem = _vm.Messages.SelectedIndex >= 0 ? _vm.Messages.SelectedIndex : null;
        });
    }

    private void RenderReader()
    {
        _reader.Text = _vm.Reader.Text;
        _reader.MoveHome();
        _readerFrame.Title = _vm.Reader.Message is { } m ? (m.Summary.Subject.Length == 0 ? "(no subject)" : m.Summary.Subject) : "Message";
    }

    private void RenderPresence()
    {
        Replace(_onlineRows, _vm.Presence.Online.Select(name => name == _vm.Me ? $"{name} (you)" : name));
        _onlineFrame.Title = $"Online ({_vm.Presence.Online.Count})";
    }

    private void RenderConnection()
    {
        _connection.Text = _vm.Connection.Text;
        _notice.Width = Dim.Fill(_connection);
    }

    // Selection changes made while rendering are the view model's own, not the user's.
    private void Rendering(Action render)
    {
        _rendering = true;
        try
        {
            render();
        }
        finally
        {
            _rendering = false;
        }
    }

    // Rows are replaced in place so the list keeps its scroll position where it can.
    private static void Replace(ObservableCollection<string> rows, IEnumerable<string> next)
    {
        var list = next.ToList();
        for (int i = 0; i < list.Count; i++)
        {
            if (i < rows.Count)
            {
                if (rows[i] != list[i])
                {
                    rows[i] = list[i];
                }
            }
            else
            {
                rows.Add(list[i]);
            }
        }

        while (rows.Count > list.Count)
        {
            rows.RemoveAt(rows.Count - 1);
        }
    }

    // Actions run on the UI thread (Terminal.Gui's synchronization context); a failure becomes a notice.
    private void Run(Task task) => _ = Observe(task);

    private async Task Observe(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            _vm.Say($"error: {error.Message}");
        }
    }
}
