using Carteiro.Client;

namespace Carteiro.Chat.ViewModels;

/// <summary>
/// The messages of one folder (or of a search), newest first, loaded a page at a time as the
/// selection nears the end. Live events insert, update and remove rows in place.
/// Like every view model here it is used from the UI thread only.
/// </summary>
internal sealed class MessageListViewModel(CarteiroClient client)
{
    public const int PageSize = 50;

    // How close to the last loaded row the selection gets before the next page is asked for.
    private const int PrefetchMargin = 5;

    private readonly List<MailSummary> _items = [];
    private bool _loadingMore;

    public string Folder { get; private set; } = "Inbox";

    /// <summary>The search text when the list shows search results, else null.</summary>
    public string? Search { get; private set; }

    public IReadOnlyList<MailSummary> Items => _items;

    /// <summary>Messages in the folder on the server (more than <see cref="Items"/> until all pages are in).</summary>
    public int Total { get; private set; }

    public bool HasMore => Search is null && _items.Count < Total;

    public int SelectedIndex { get; set; }

    public MailSummary? Selected => SelectedIndex >= 0 && SelectedIndex < _items.Count ? _items[SelectedIndex] : null;

    public string Title => Search is null ? $"{Folder} — {Total} message{(Total == 1 ? "" : "s")}" : $"Search \"{Search}\" — {_items.Count} found";

    public event Action? Changed;

    /// <summary>Shows the first page of <paramref name="folder"/>.</summary>
    public async Task LoadAsync(string folder, CancellationToken cancellationToken = default)
    {
        var page = await client.ListAsync(folder, PageSize, cancellationToken: cancellationToken);
        Folder = folder;
        Search = null;
        _items.Clear();
        _items.AddRange(page.Items);
        Total = page.Total;
        SelectedIndex = _items.Count > 0 ? 0 : -1;
        Changed?.Invoke();
    }

    /// <summary>Loads the first page again, keeping the selected message selected when it is still there.</summary>
    public async Task ReloadAsync(CancellationToken cancellationToken = default)
    {
        long? selected = Selected?.Id;
        if (Search is not null)
        {
            await SearchAsync(Search, cancellationToken);
        }
        else
        {
            var page = await client.ListAsync(Folder, Math.Max(PageSize, _items.Count), cancellationToken: cancellationToken);
            _items.Clear();
            _items.AddRange(page.Items);
            Total = page.Total;
        }

        int index = selected is long id ? _items.FindIndex(m => m.Id == id) : -1;
        SelectedIndex = index >= 0 ? index : Math.Min(Math.Max(SelectedIndex, 0), _items.Count - 1);
        Changed?.Invoke();
    }

    /// <summary>Full-text search over every folder, newest first.</summary>
    public async Task SearchAsync(string text, CancellationToken cancellationToken = default)
    {
        var found = await client.SearchAsync(text, limit: 200, cancellationToken: cancellationToken);
        Search = text;
        _items.Clear();
        _items.AddRange(found);
        Total = found.Count;
        SelectedIndex = _items.Count > 0 ? 0 : -1;
        Changed?.Invoke();
    }

    /// <summary>Asks for the next page when the selection is near the end of what is loaded.</summary>
    public async Task<bool> LoadMoreIfNeededAsync(CancellationToken cancellationToken = default)
    {
        if (!HasMore || _loadingMore || SelectedIndex < _items.Count - PrefetchMargin)
        {
            return false;
        }

        _loadingMore = true;
        try
        {
            // BEFORE the last uid stays right while new mail arrives at the top.
            var page = await client.ListAsync(Folder, PageSize, beforeUid: _items[^1].Uid, cancellationToken: cancellationToken);
            var known = _items.Select(m => m.Id).ToHashSet();
            _items.AddRange(page.Items.Where(m => !known.Contains(m.Id)));
            Total = page.Total;
            Changed?.Invoke();
            return page.Items.Count > 0;
        }
        finally
        {
            _loadingMore = false;
        }
    }

    /// <summary>A message was filed somewhere: shown at the top when it is in this folder.</summary>
    public void OnMail(MailSummary mail)
    {
        if (Search is not null || mail.Folder != Folder || _items.Any(m => m.Id == mail.Id))
        {
            return;
        }

        long? selected = Selected?.Id;
        Insert(mail);
        Total++;
        Reselect(selected);
        Changed?.Invoke();
    }

    /// <summary>A message changed flags or folder.</summary>
    public void OnUpdate(MailSummary mail)
    {
        long? selected = Selected?.Id;
        int index = _items.FindIndex(m => m.Id == mail.Id);
        if (index >= 0 && (Search is not null || mail.Folder == Folder))
        {
            _items[index] = mail;
        }
        else if (index >= 0)
        {
            // Moved out of this folder (deleted to Trash, or moved).
            _items.RemoveAt(index);
            Total = Math.Max(0, Total - 1);
        }
        else if (Search is null && mail.Folder == Folder)
        {
            Insert(mail);
            Total++;
        }
        else
        {
            return;
        }

        Reselect(selected, index);
        Changed?.Invoke();
    }

    /// <summary>A message was deleted for good.</summary>
    public void OnRemoved(long id)
    {
        int index = _items.FindIndex(m => m.Id == id);
        if (index < 0)
        {
            return;
        }

        long? selected = Selected?.Id;
        _items.RemoveAt(index);
        Total = Math.Max(0, Total - 1);
        Reselect(selected, index);
        Changed?.Invoke();
    }

    // Newest first means highest uid first; a moved message gets a new uid, so sort on it.
    private void Insert(MailSummary mail)
    {
        int at = _items.FindIndex(m => m.Uid < mail.Uid);
        _items.Insert(at < 0 ? _items.Count : at, mail);
    }

    private void Reselect(long? id, int fallback = 0)
    {
        int index = id is long selected ? _items.FindIndex(m => m.Id == selected) : -1;
        SelectedIndex = index >= 0 ? index : Math.Min(fallback, _items.Count - 1);
    }
}
