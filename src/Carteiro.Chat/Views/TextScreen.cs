using Terminal.Gui.App;
using Terminal.Gui.Drawing;
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

// TextView is marked obsolete in Terminal.Gui 2.5 in favour of a separate editor package that the
// package mirror does not carry; it is still the multi-line view Terminal.Gui ships.
#pragma warning disable CS0618

namespace Carteiro.Chat.Views;

/// <summary>A full-screen page of text (help, who is online) that Esc, q or Enter closes.</summary>
internal sealed class TextScreen : Window
{
    private TextScreen(string title, string text)
    {
        Title = title;
        BorderStyle = LineStyle.Single;
        var body = new TextView { Width = Dim.Fill(), Height = Dim.Fill(1), ReadOnly = true, WordWrap = true, Text = text };
        var hint = new Label { Y = Pos.AnchorEnd(1), Width = Dim.Fill(), Text = "Esc, q or Enter: close   arrows, PgUp/PgDn: scroll" };
        Add(body, hint);
        KeyDown += (_, key) =>
        {
            if (key == Key.Esc || key == Key.Q || key == Key.Enter || key == Key.F1 || key.ToString() == "?")
            {
                key.Handled = true;
                RequestStop();
            }
        };
    }

    public static void Show(IApplication app, string title, string text)
    {
        using var screen = new TextScreen(title, text);
        app.Run(screen);
    }
}
