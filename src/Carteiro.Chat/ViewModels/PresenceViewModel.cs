using Carteiro.Client;

namespace Carteiro.Chat.ViewModels;

/// <summary>Who is online, kept live from presence events.</summary>
internal sealed class PresenceViewModel(CarteiroClient client)
{
    private readonly SortedSet<string> _online = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyCollection<string> Online => _online;

    public event Action? Changed;

    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        var users = await client.WhoAsync(cancellationToken);
        _online.Clear();
        _online.UnionWith(users.Select(u => u.Name));
        Changed?.Invoke();
    }

    public void OnPresence(PresenceEvent presence)
    {
        bool changed = presence.Online ? _online.Add(presence.User) : _online.Remove(presence.User);
        if (changed)
        {
            Changed?.Invoke();
        }
    }
}
