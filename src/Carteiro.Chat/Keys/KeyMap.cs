using System.Text;

namespace Carteiro.Chat.Keys;

/// <summary>
/// The keys of the main screen and of the compose window, in one place, so the status bar, the
/// help screen and the key handling cannot disagree. Letters follow mutt where it has one.
/// </summary>
internal sealed class KeyMap
{
    private readonly Dictionary<string, ChatAction> _byKey;
    private readonly List<(KeyBinding Binding, ChatAction Action)> _bindings;

    private KeyMap(List<(KeyBinding, ChatAction)> bindings)
    {
        _bindings = bindings;
        _byKey = new Dictionary<string, ChatAction>(StringComparer.Ordinal);
        foreach (var (binding, action) in bindings)
        {
            _byKey.Add(binding.Key, action);
        }
    }

    /// <summary>The main screen's keys, most used first (the status bar shows as many as fit).</summary>
    public static KeyMap Main { get; } = new(
    [
        (new KeyBinding("c", "c", "compose", "Write a new message (continues an unsent draft)"), ChatAction.Compose),
        (new KeyBinding("r", "r", "reply", "Reply to the sender"), ChatAction.Reply),
        (new KeyBinding("R", "R", "all", "Reply to the sender and every recipient"), ChatAction.ReplyAll),
        (new KeyBinding("f", "f", "fwd", "Forward the message, with its attachments"), ChatAction.Forward),
        (new KeyBinding("d", "d", "del", "Move to Trash (in Trash: delete for good)"), ChatAction.Delete),
        (new KeyBinding("u", "u", "unread", "Mark unread (or read again)"), ChatAction.ToggleUnread),
        (new KeyBinding("F", "F", "flag", "Flag or unflag"), ChatAction.ToggleFlag),
        (new KeyBinding("/", "/", "search", "Search all folders (empty: back to the folder)"), ChatAction.Search),
        (new KeyBinding("?", "?", "help", "This help"), ChatAction.Help),
        (new KeyBinding("q", "q", "quit", "Quit (asks when a draft is unsent)"), ChatAction.Quit),
        (new KeyBinding("Enter", "Enter", "open", "Open the message, or the folder"), ChatAction.Open),
        (new KeyBinding("j", "j", "next", "Next message"), ChatAction.NextMessage),
        (new KeyBinding("k", "k", "prev", "Previous message"), ChatAction.PreviousMessage),
        (new KeyBinding("Space", "Space", "page", "Scroll the open message down a page"), ChatAction.PageReader),
        (new KeyBinding("m", "m", "move", "Move the message to a folder (made if new)"), ChatAction.Move),
        (new KeyBinding("w", "w", "who", "Who is online, and since when"), ChatAction.Who),
        (new KeyBinding("B", "B", "everyone", "Write a message to everyone (where the server allows)"), ChatAction.ToEveryone),
        (new KeyBinding("Tab", "Tab", "pane", "Next pane: folders, messages, reading"), ChatAction.NextPane),
        (new KeyBinding("F5", "F5", "refresh", "Load folders, messages and who is online again"), ChatAction.Refresh),
        (new KeyBinding("F1", "F1", "help", "This help"), ChatAction.Help),
        (new KeyBinding("Esc", "Esc", "back", "Leave search results"), ChatAction.ClearSearch),
    ]);

    /// <summary>The compose window's keys (handled by the window; listed for the help and status bar).</summary>
    public static IReadOnlyList<KeyBinding> Compose { get; } =
    [
        new("Ctrl+S", "^S", "send", "Send the message"),
        new("Tab", "Tab", "complete/next", "In To, Cc, Bcc: complete the name; else the next field"),
        new("Esc", "Esc", "close (kept)", "Close the window; the draft is kept for later (c continues it)"),
        new("Ctrl+D", "^D", "discard", "Discard the draft"),
    ];

    public IEnumerable<KeyBinding> Bindings => _bindings.Select(b => b.Binding);

    public IEnumerable<ChatAction> Actions => _bindings.Select(b => b.Action).Distinct();

    /// <summary>The action bound to a key as Terminal.Gui names it, if any.</summary>
    public bool TryFind(string key, out ChatAction action) => _byKey.TryGetValue(key, out action);

    /// <summary>The first binding of <paramref name="action"/>.</summary>
    public KeyBinding For(ChatAction action) => _bindings.First(b => b.Action == action).Binding;

    /// <summary>"c:compose r:reply …" cut to <paramref name="width"/>, always ending with the way to help.</summary>
    public static string StatusLine(IEnumerable<KeyBinding> bindings, int width)
    {
        var list = bindings.ToList();
        var help = list.FirstOrDefault(b => b.Label == "help");
        string tail = help is null ? "" : $"{help.Shown}:{help.Label}";
        var line = new StringBuilder();
        var shownLabels = new HashSet<string>(StringComparer.Ordinal);
        foreach (var binding in list)
        {
            if (binding == help || !shownLabels.Add(binding.Label) || binding.Label == "help")
            {
                continue;
            }

            string item = $"{binding.Shown}:{binding.Label}";
            if (line.Length + item.Length + 1 + tail.Length > width)
            {
                break;
            }

            line.Append(item).Append(' ');
        }

        return (line + tail).TrimEnd();
    }

    /// <summary>The help screen's text: every key of both screens.</summary>
    public string HelpText()
    {
        var text = new StringBuilder();
        text.Append("Main screen\n");
        foreach (var binding in Bindings)
        {
            text.Append($"  {binding.Shown,-7} {binding.Description}\n");
        }

        text.Append("\nCompose\n");
        foreach (var binding in Compose)
        {
            text.Append($"  {binding.Shown,-7} {binding.Description}\n");
        }

        text.Append("\nIn lists: arrows, PgUp/PgDn, Home/End. Flags: N unread, ! flagged, r answered,\n");
        text.Append("@ attachments, * to everyone. Older mail loads as you scroll down.\n");
        return text.ToString();
    }
}
