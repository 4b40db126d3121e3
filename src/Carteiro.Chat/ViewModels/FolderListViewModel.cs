using Carteiro.Client;

namespace Carteiro.Chat.ViewModels;

/// <summary>The folders with their unread counts: counted up at once on new mail, refreshed from the server on other changes.</summary>
internal sealed class FolderListViewModel(CarteiroClient client)
{
    // The order people expect; folders the user made come after, by name.
    private static readonly string[] WellKnown = ["Inbox", "Sent", "Trash"];

    private List<FolderView> _folders = [];

    public IReadOnlyList<FolderView> Folders => _folders;

    public int SelectedIndex { get; set; }

    public string Selected => SelectedIndex >= 0 && SelectedIndex < _folders.Count ? _folders[SelectedIndex].Name : "Inbox";

    public int InboxUnread => _folders.FirstOrDefault(f => f.Name == "Inbox")?.Unread ?? 0;

    public event Action? Changed;

    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        string selected = Selected;
        var folders = await client.FoldersAsync(cancellationToken);
        _folders = [.. folders.OrderBy(f => Array.IndexOf(WellKnown, f.Name) is int i && i >= 0 ? i : WellKnown.Length).ThenBy(f => f.Name, StringComparer.OrdinalIgnoreCase)];
        SelectedIndex = Math.Max(0, _folders.FindIndex(f => f.Name == selected));
        Changed?.Invoke();
    }

    /// <summary>New mail counts at once, before any round trip.</summary>
    public void OnMail(MailSummary mail)
    {
        int index = _folders.FindIndex(f => f.Name == mail.Folder);
        if (index < 0)
        {
            return;
        }

        var folder = _folders[index];
        _folders[index] = folder with { Total = folder.Total + 1, Unread = folder.Unread + (mail.Seen ? 0 : 1) };
        Changed?.Invoke();
    }

    public static string Label(FolderView folder) => folder.Unread > 0 ? $"{folder.Name} ({folder.Unread})" : folder.Name;
}
