using Terminal.Gui.App;
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace Carteiro.Chat.Views;

/// <summary>A one-line question (search text, a folder name): Enter answers, Esc cancels.</summary>
internal sealed class Prompt : Dialog
{
    private readonly TextField _field;
    private bool _answered;

    private Prompt(string title, string label, string initial)
    {
        Title = title;
        Width = Dim.Percent(70);
        var caption = new Label { Text = label };
        _field = new TextField { X = Pos.Right(caption) + 1, Width = Dim.Fill(1), Text = initial };
        Add(caption, _field);
        var ok = new Button { Text = "OK", IsDefault = true, ShadowStyle = ShadowStyles.None };
        var cancel = new Button { Text = "Cancel", ShadowStyle = ShadowStyles.None };
        AddButton(cancel);
        AddButton(ok);
        ok.Accepting += (_, e) =>
        {
            _answered = true;
            e.Handled = true;
            RequestStop();
        };
        _field.KeyDown += (_, key) =>
        {
            if (key == Key.Enter)
            {
                key.Handled = true;
                _answered = true;
                RequestStop();
            }
        };
        _field.SetFocus();
    }

    /// <summary>The answer, or null when cancelled.</summary>
    public static string? Ask(IApplication app, string title, string label, string initial = "")
    {
        using var prompt = new Prompt(title, label, initial);
        app.Run(prompt);
        return prompt._answered ? prompt._field.Text : null;
    }
}
