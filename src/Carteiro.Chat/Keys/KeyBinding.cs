namespace Carteiro.Chat.Keys;

/// <summary>
/// One key and what it does. <see cref="Key"/> is in Terminal.Gui's notation ("r", "R",
/// "Ctrl+S", "F1"), which is what <c>Key.ToString()</c> gives for a pressed key.
/// </summary>
/// <param name="Key">The key.</param>
/// <param name="Shown">How the key is shown to people ("R", "^S", "F1").</param>
/// <param name="Label">A word or two for the status bar.</param>
/// <param name="Description">A sentence for the help screen.</param>
internal sealed record KeyBinding(string Key, string Shown, string Label, string Description);
