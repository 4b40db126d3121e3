using Terminal.Gui.Configuration;
using Terminal.Gui.Drawing;
using Attribute = Terminal.Gui.Drawing.Attribute;

namespace Carteiro.Chat.Views;

/// <summary>
/// Colours, or none: with <c>NO_COLOR</c> set (https://no-color.org) every scheme uses the
/// terminal's own foreground and background, and focus and selection are shown with reverse video
/// and underline instead of colour.
/// </summary>
internal static class Theme
{
    public static bool NoColor => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));

    /// <summary>Call after the application is initialised.</summary>
    public static void Apply()
    {
        if (!NoColor)
        {
            return;
        }

        var plain = new Attribute(Color.None, Color.None);
        var reverse = new Attribute(Color.None, Color.None, TextStyle.Reverse);
        var underline = new Attribute(Color.None, Color.None, TextStyle.Underline);
        var mono = new Scheme(plain)
        {
            Focus = reverse,
            Active = reverse,
            Highlight = reverse,
            HotNormal = underline,
            HotFocus = new Attribute(Color.None, Color.None, TextStyle.Reverse | TextStyle.Underline),
            HotActive = new Attribute(Color.None, Color.None, TextStyle.Reverse | TextStyle.Underline),
            Editable = underline,
            ReadOnly = plain,
            Disabled = new Attribute(Color.None, Color.None, TextStyle.Faint),
        };
        foreach (string name in SchemeManager.GetSchemeNames())
        {
            SchemeManager.AddScheme(name, mono);
        }
    }
}
