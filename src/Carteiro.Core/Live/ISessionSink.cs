namespace Carteiro.Core.Live;

/// <summary>A signed-in session, as the hub sees it: somewhere to push events.</summary>
public interface ISessionSink
{
    /// <summary>The signed-in account.</summary>
    long AccountId { get; }

    /// <summary>The signed-in user's name.</summary>
    string UserName { get; }

    /// <summary>
    /// Queues an event without waiting. Returns false when the session cannot take more (it is
    /// too slow or closing); the session is then expected to close itself.
    /// </summary>
    bool TryPush(ServerEvent serverEvent);
}
