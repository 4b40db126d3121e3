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
/// form in any way keeps what was typed.
/// </summary>
/// <remarks>
/// It covers the main window rather than running as a modal session of its own: Terminal.Gui runs
/// a nested session opened from an async continuation inside its timer queue, where no other
/// continuation can run until it closes, so a completion or a send awaited in it would never
/// finish. Keys reach it through <see cref="HandleKey"/>.
/// </remarks>
internal sealed class ComposeView : FrameView
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
    private bool _closed;

    // Tab completes only in the recipients field being typed in; in a field merely passed
    // through (a reply's To) it moves on, as people expect.
    private TextField? _typedIn;
    private bool _completing;

    // The last answer to "who matches what is typed", fetched while typing: a Tab that comes after
    // it completes at once, without a round trip that keys typed meanwhile would race.
    private (string Text, Completion Result)? _suggestion;
    private bool _completionPending;

    public ComposeView(IApplication app, MailboxViewModel mailbox, Draft draft)
    {
        _app = app;
        _mailbox = mailbox;
        _compose = new ComposeViewModel(mailbox.Client, draft, mailbox.Connection);
        Title = $"{draft.Kind} — from {mailbox.Me}";
        BorderStyle = LineStyle.Single;
        Width = Dim.Fill();
        Height = Dim.Fill();

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
            field.TextChanged += (_, _) =>
            {
                if (field.HasFocus && !_completing)
                {
                    _typedIn = field;
                    Run(SuggestAsync(field));
                }
            };
            field.HasFocusChanged += (_, _) =>
            {
                if (!field.HasFocus && _typedIn == field)
                {
                    _typedIn = null;
                }
            };
        }

    }

    /// <summary>Raised once, when the form is left: sent, discarded or put aside.</summary>
    public event Action<ComposeOutcome>? Closed;

    /// <summary>Puts the cursor in the first field that wants typing.</summary>
    public void FocusFirstField()
    {
        if (_compose.Draft.ToEveryone || _to.Text.Length > 0)
        {
            (_subject.Text.Length == 0 ? (View)_subject : _body).SetFocus();
        }
        else
        {
            _to.SetFocus();
        }
    }

    private TextField Field(int row, string label, string text, Action<string> write)
    {
        var caption = new Label { Y = row, Width = LabelWidth, Text = label };
        var field = new TextField { X = LabelWidth, Y = row, Width = Dim.Fill(), Text = text };
        field.TextChanged += (_, _) => write(field.Text);
        Add(caption, field);
        return field;
    }

    /// <summary>The form's own keys; true when <paramref name="key"/> was one of them.</summary>
    public bool HandleKey(Key key)
    {
        if (key == Key.S.WithCtrl)
        {
            Run(SendAsync());
            return true;
        }

        if (key == Key.Esc)
        {
            Close(ComposeOutcome.Kept);
            return true;
        }

        if (key == Key.D.WithCtrl)
        {
            if (_compose.Draft.IsBlank || MessageBox.Query(_app, "Discard", "Throw this draft away?", "_Discard", "_Keep") == 0)
            {
                Close(ComposeOutcome.Discarded);
            }

            return true;
        }

        if (key == Key.Tab && _completionPending)
        {
            // Still asking the server: a second Tab must not move on before the first is answered.
            return true;
        }

        if (key == Key.Tab && RecipientField() is { } field && WantsCompletion(field.Text))
        {
            if (_suggestion is { } known && known.Text == field.Text)
            {
                Apply(field, known.Result);
            }
            else if (_mailbox.Connection.State == ConnectionState.Connected)
            {
                Run(CompleteAsync(field));
            }
            else
            {
                return false;
            }

            return true;
        }

        return false;
    }

    private void Close(ComposeOutcome outcome)
    {
        if (_closed)
        {
            return;
        }

        _closed = true;
        Closed?.Invoke(outcome);
    }

    private TextField? RecipientField() => _typedIn is { HasFocus: true } field && !field.ReadOnly ? field : null;

    // Tab completes while a name is being typed; after a separator it moves on as usual.
    private static bool WantsCompletion(string text) => text.Length > 0 && !char.IsWhiteSpace(text[^1]) && text[^1] is not (',' or ';');

    private async Task SendAsync()
    {
        _hint.Text = "sending…";
        if (await _compose.SendAsync())
        {
            Close(ComposeOutcome.Sent);
            return;
        }

        _hint.Text = _compose.Error ?? "";
    }

    private async Task CompleteAsync(TextField field)
    {
        string typed = field.Text;
        _completionPending = true;
        Completion completion;
        try
        {
            completion = await _mailbox.Completer.CompleteAsync(typed);
        }
        finally
        {
            _completionPending = false;
        }

        // More was typed while the server answered; that wins.
        if (field.Text == typed)
        {
            Apply(field, completion);
        }
    }

    private void Apply(TextField field, Completion completion)
    {
        _completing = true;
        try
        {
            field.Text = completion.Text;
        }
        finally
        {
            _completing = false;
        }

        field.InsertionPoint = field.Text.Length;
        _suggestion = null;
        if (completion.Candidates.Count == 1)
        {
            _typedIn = null;
        }

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
            _suggestion = (text, completion);
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
