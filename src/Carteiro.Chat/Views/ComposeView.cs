using Carteiro.Chat.Keys;
using Carteiro.Chat.ViewModels;
using Carteiro.Client;
using Terminal.Gui.App;
using Terminal.Gui.Drawing;
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

// TextView is marked obsolete in Terminal.Gui 2.5 in favour of a separate editor package that the
// package mirror does not carry; it is still the multi-line editor Terminal.Gui ships.
#pragma warning disable CS0618

namespace Carteiro.Chat.Views;

/// <summary>
/// The compose form: To (with name completion), Cc, Bcc, Subject, attachments by path and a
/// multi-line body. Every keystroke is written through to the <see cref="Draft"/>, so leaving the
/// window in any way keeps what was typed.
/// </summary>
internal sealed class ComposeWindow : Window
{
    private const int LabelWidth = 9;

    private readonly IApplication _app;
    private readonly MailboxViewModel _mailbox;
    private readonly ComposeViewModel _compose;
    private readonly TextField _to;
    private readonly TextField _cc;
    private readonly TextField _bcc;
    private readonly TextField _subject;
    private readonly TextField _attach;
    private readonly TextView _body;
    private readonly Label _hint;
    private ComposeOutcome _outcome = ComposeOutcome.Kept;

    private ComposeWindow(IApplication app, MailboxViewModel mailbox, Draft draft)
    {
        _app = app;
        _mailbox = mailbox;
        _compose = new ComposeViewModel(mailbox.Client, draft, mailbox.Connection);
        Title = $"{draft.Kind} — from {mailbox.Me}";
        BorderStyle = LineStyle.Single;

        _to = Field(0, "To:", draft.To, text => draft.To = draft.ToEveryone ? "" : text);
        _cc = Field(1, "Cc:", draft.Cc, text => draft.Cc = text);
        _bcc = Field(2, "Bcc:", draft.Bcc, text => draft.Bcc = text);
        _subject = Field(3, "Subject:", draft.Subject, text => draft.Subject = text);
        _attach = Field(4, "Attach:", draft.Attachments, text => draft.Attachments = text);
        if (draft.ToEveryone)
        {
            _to.Text = "(everyone)";
            _to.ReadOnly = true;
            _to.CanFocus = false;
        }

        string carried = draft.Carried.Count == 0 ? "" : $"  forwarding: {string.Join(", ", draft.Carried.Select(a => a.FileName))}";
        _hint = new Label { Y = 5, Width = Dim.Fill(), Text = $"files by path, separated by commas{carried}" };
        var rule = new Line { Y = 6, Width = Dim.Fill() };
        _body = new TextView { Y = 7, Width = Dim.Fill(), Height = Dim.Fill(1), WordWrap = true, TabKeyAddsTab = false, EnterKeyAddsLine = true, Text = draft.Body };
        _body.ContentsChanged += (_, _) => draft.Body = _body.Text;
        var keys = new Label { Y = Pos.AnchorEnd(1), Width = Dim.Fill(), Text = KeyMap.StatusLine(KeyMap.Compose, 76) };
        Add(_hint, rule, _body, keys);

        foreach (var field in new[] { _to, _cc, _bcc })
        {
            field.TextChanged += (_, _) => Run(SuggestAsync(field));
        }

        _app.Keyboard.KeyDown += OnKeyDown;
        if (draft.ToEveryone || _to.Text.Length > 0)
        {
            (_subject.Text.Length == 0 ? (View)_subject : _body).SetFocus();
        }
        else
        {
            _to.SetFocus();
        }
    }

    /// <summary>Runs the window until the message is sent, discarded or put aside.</summary>
    public static ComposeOutcome Show(IApplication app, MailboxViewModel mailbox, Draft draft)
    {
        using var window = new ComposeWindow(app, mailbox, draft);
        app.Run(window);
        return window._outcome;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _app.Keyboard.KeyDown -= OnKeyDown;
        }

        base.Dispose(disposing);
    }

    private TextField Field(int row, string label, string text, Action<string> write)
    {
        var caption = new Label { Y = row, Width = LabelWidth, Text = label };
        var field = new TextField { X = LabelWidth, Y = row, Width = Dim.Fill(), Text = text };
        field.TextChanged += (_, _) => write(field.Text);
        Add(caption, field);
        return field;
    }

    private void OnKeyDown(object? sender, Key key)
    {
        if (_app.TopRunnableView != this)
        {
            return;
        }

        if (key == Key.S.WithCtrl)
        {
            key.Handled = true;
            Run(SendAsync());
        }
        else if (key == Key.Esc)
        {
            key.Handled = true;
            RequestStop();
        }
        else if (key == Key.D.WithCtrl)
        {
            key.Handled = true;
            if (_compose.Draft.IsBlank || MessageBox.Query(_app, "Discard", "Throw this draft away?", "_Discard", "_Keep") == 0)
            {
                _outcome = ComposeOutcome.Discarded;
                RequestStop();
            }
        }
        else if (key == Key.Tab && _mailbox.Connection.State == ConnectionState.Connected && RecipientField() is { } field && WantsCompletion(field.Text))
        {
            key.Handled = true;
            Run(CompleteAsync(field));
        }
    }

    private TextField? RecipientField() =>
        _to.HasFocus && !_compose.Draft.ToEveryone ? _to : _cc.HasFocus ? _cc : _bcc.HasFocus ? _bcc : null;

    // Tab completes while a name is being typed; after a separator it moves on as usual.
    private static bool WantsCompletion(string text) => text.Length > 0 && !char.IsWhiteSpace(text[^1]) && text[^1] is not (',' or ';');

    private async Task SendAsync()
    {
        _hint.Text = "sending…";
        if (await _compose.SendAsync())
        {
            _outcome = ComposeOutcome.Sent;
            RequestStop();
            return;
        }

        _hint.Text = _compose.Error ?? "";
    }

    private async Task CompleteAsync(TextField field)
    {
        var completion = await _mailbox.Completer.CompleteAsync(field.Text);
        field.Text = completion.Text;
        field.InsertionPoint = field.Text.Length;
        _hint.Text = completion.Candidates.Count switch
        {
            0 => "no such user",
            1 => "",
            _ => string.Join("  ", completion.Candidates),
        };
    }

    // Shows the names that match what is being typed, as a hint; Tab takes them.
    private async Task SuggestAsync(TextField field)
    {
        string text = field.Text;
        if (!field.HasFocus || !WantsCompletion(text) || _mailbox.Connection.State != ConnectionState.Connected)
        {
            return;
        }

        var completion = await _mailbox.Completer.CompleteAsync(text);
        if (field.Text == text && field.HasFocus)
        {
            _hint.Text = completion.Candidates.Count == 0 ? "no such user" : "Tab: " + string.Join("  ", completion.Candidates);
        }
    }

    private void Run(Task task) => _ = Observe(task);

    private async Task Observe(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            _hint.Text = error.Message;
        }
    }
}
