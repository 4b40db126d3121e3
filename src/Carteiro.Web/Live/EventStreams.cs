using System.Collections.Concurrent;

namespace Carteiro.Web.Live;

/// <summary>The open event streams, so that signing out or a password change closes them at once.</summary>
public sealed class EventStreams
{
    private readonly ConcurrentDictionary<EventStreamSession, byte> _open = new();

    /// <summary>Number of open streams.</summary>
    public int Count => _open.Count;

    internal void Add(EventStreamSession session) => _open.TryAdd(session, 0);

    internal void Remove(EventStreamSession session) => _open.TryRemove(session, out _);

    /// <summary>Closes the streams opened with <paramref name="token"/>.</summary>
    public void Close(string token, string reason)
    {
        foreach (var session in _open.Keys)
        {
            if (string.Equals(session.Token, token, StringComparison.Ordinal))
            {
                session.Close(reason);
            }
        }
    }

    /// <summary>Closes every stream of an account.</summary>
    public void CloseAccount(long accountId, string reason)
    {
        foreach (var session in _open.Keys)
        {
            if (session.AccountId == accountId)
            {
                session.Close(reason);
            }
        }
    }

    /// <summary>Closes every stream (the server is stopping).</summary>
    public void CloseAll(string reason)
    {
        foreach (var session in _open.Keys)
        {
            session.Close(reason);
        }
    }
}
