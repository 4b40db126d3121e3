using Carteiro.Chat.Keys;
using Terminal.Gui.Drivers;
using Terminal.Gui.Input;

namespace Carteiro.Chat.Tests.Keys;

public sealed class KeyMapTests
{
    [Fact]
    public void EveryAction_HasAKey()
    {
        Assert.Equal(Enum.GetValues<ChatAction>().Order(), KeyMap.Main.Actions.Order());
    }

    [Fact]
    public void Keys_AreWhatTerminalGuiCallsThePressedKey()
    {
        // The window looks actions up by Key.ToString(): each binding must be that exact string.
        foreach (var binding in KeyMap.Main.Bindings)
        {
            Assert.True(Key.TryParse(binding.Key, out var key), $"'{binding.Key}' does not parse");
            Assert.Equal(binding.Key, key.ToString());
        }
    }

    [Theory]
    [InlineData('r', "Reply")]
    [InlineData('R', "ReplyAll")]
    [InlineData('?', "Help")]
    [InlineData('/', "Search")]
    [InlineData('q', "Quit")]
    public void TypedCharacters_FindTheirAction(char typed, string expected)
    {
        Assert.True(KeyMap.Main.TryFind(new Key(typed).ToString(), out var action));
        Assert.Equal(expected, action.ToString());
    }

    [Fact]
    public void SpecialKeys_FindTheirAction()
    {
        Assert.True(KeyMap.Main.TryFind(new Key(KeyCode.F1).ToString(), out var help));
        Assert.Equal(ChatAction.Help, help);
        Assert.True(KeyMap.Main.TryFind(Key.Enter.ToString(), out var open));
        Assert.Equal(ChatAction.Open, open);
        Assert.True(KeyMap.Main.TryFind(Key.Esc.ToString(), out var back));
        Assert.Equal(ChatAction.ClearSearch, back);
        Assert.True(KeyMap.Main.TryFind(Key.Space.ToString(), out var page));
        Assert.Equal(ChatAction.PageReader, page);
        Assert.False(KeyMap.Main.TryFind(Key.X.ToString(), out _));
    }

    [Theory]
    [InlineData(80)]
    [InlineData(40)]
    [InlineData(200)]
    public void StatusLine_FitsTheWidthAndAlwaysShowsHelp(int width)
    {
        string line = KeyMap.StatusLine(KeyMap.Main.Bindings, width);

        Assert.True(line.Length <= width, $"{line.Length} > {width}: {line}");
        Assert.EndsWith("?:help", line, StringComparison.Ordinal);
        Assert.StartsWith("c:compose", line, StringComparison.Ordinal);
    }

    [Fact]
    public void StatusLine_At80Columns_ShowsTheCommonActions()
    {
        string line = KeyMap.StatusLine(KeyMap.Main.Bindings, 80);

        foreach (string item in new[] { "c:compose", "r:reply", "R:all", "f:fwd", "d:del", "u:unread", "/:search", "q:quit" })
        {
            Assert.Contains(item, line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void HelpText_ListsEveryKeyOfBothScreens()
    {
        string help = KeyMap.Main.HelpText();

        foreach (var binding in KeyMap.Main.Bindings.Concat(KeyMap.Compose))
        {
            Assert.Contains($"  {binding.Shown,-7} {binding.Description}", help, StringComparison.Ordinal);
        }
    }
}
