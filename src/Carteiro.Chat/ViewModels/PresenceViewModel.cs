using Carteiro.Client;

namespace Carteiro.Chat.ViewModels;

/// <summary>Who is online (and since when), kept live from presence events.</summary>
internal sealed class PresenceViewModel(CarteiroClient client, TimeProvider? time = null)
{
    private readonly SortedDictionary<string, OnlineUser> _online = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyCollection<string> Online => _online.Keys;

    public IReadOnlyCollection<OnlineUser> Users => _online.Values;

    public event Action? Changed;

    public async Task RefreshAsync(CancellationToken cancellationToken = default)
    {
        var users = await client.WhoAsync(cancellationToken);
        _online.Clear();
        foreach (var user in users)
        {
            _online[user.Name] = user;
        }

        Changed?.Invoke();
    }

    public void OnPresence(PresenceEvent presence)
    {
        bool changed = presence.Online
            ? _online.TryAdd(presence.User, new OnlineUser(presence.User, 1, (time ?? TimeProvider.System).GetUtcNow()))
            : _online.Remove(presence.User);
        if (changed)
        {
            Changed?.Invoke();
        }
    }
}
