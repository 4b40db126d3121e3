using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace Carteiro.Core.Live;

/// <summary>
/// Who is online and where to push. Sessions of every door join here after sign-in and leave when
/// they close; delivery publishes to an account and the hub fans out to each of its sessions.
/// Pushing never blocks: a session that cannot keep up refuses the event and closes itself.
/// </summary>
public sealed class SessionHub
{
    private readonly ConcurrentDictionary<long, Presence> _online = new();

    // Sessions that hear an account's events without making anyone online (mail programs: an
    // IMAP client idling in the background all day is not a person at the keyboard).
    private readonly ConcurrentDictionary<long, ImmutableArray<ISessionSink>> _watchers = new();
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;

    /// <summary>Creates a hub that stamps presence with <paramref name="time"/>.</summary>
    public SessionHub(TimeProvider time) => _time = time;

    /// <summary>Number of open signed-in sessions.</summary>
    public int SessionCount => _online.Values.Sum(p => p.Sessions.Length);

    /// <summary>Adds a signed-in session; the first one of a user announces them online to everyone else.</summary>
    public void Join(ISessionSink session)
    {
        bool first;
        lock (_gate)
        {
            if (_online.TryGetValue(session.AccountId, out var presence))
            {
                _online[session.AccountId] = presence with { Sessions = presence.Sessions.Add(session) };
                first = false;
            }
            else
            {
                _online[session.AccountId] = new Presence(session.UserName, [session], _time.GetUtcNow());
                first = true;
            }
        }

        if (first)
        {
            Broadcast(new PresenceChanged(session.UserName, true), except: session.AccountId);
        }
    }

    /// <summary>Removes a session; the last one of a user announces them offline.</summary>
    public void Leave(ISessionSink session)
    {
        bool last = false;
        lock (_gate)
        {
            if (!_online.TryGetValue(session.AccountId, out var presence) || !presence.Sessions.Contains(session))
            {
                return;
            }

            var remaining = presence.Sessions.Remove(session);
            if (remaining.IsEmpty)
            {
                _online.TryRemove(session.AccountId, out _);
                last = true;
            }
            else
            {
                _online[session.AccountId] = presence with { Sessions = remaining };
            }
        }

        if (last)
        {
            Broadcast(new PresenceChanged(session.UserName, false), except: session.AccountId);
        }
    }

    /// <summary>Adds a session that hears its account's mail events but does not count as online.</summary>
    public void Watch(ISessionSink session)
    {
        lock (_gate)
        {
            _watchers[session.AccountId] = _watchers.TryGetValue(session.AccountId, out var list) ? list.Add(session) : [session];
        }
    }

    /// <summary>Removes a session added with <see cref="Watch"/>.</summary>
    public void Unwatch(ISessionSink session)
    {
        lock (_gate)
        {
            if (_watchers.TryGetValue(session.AccountId, out var list))
            {
                var remaining = list.Remove(session);
                if (remaining.IsEmpty)
                {
                    _watchers.TryRemove(session.AccountId, out _);
                }
                else
                {
                    _watchers[session.AccountId] = remaining;
                }
            }
        }
    }

    /// <summary>Pushes an event to every session of one account, except <paramref name="origin"/> when given.</summary>
    public void Publish(long accountId, ServerEvent serverEvent, ISessionSink? origin = null)
    {
        if (_watchers.TryGetValue(accountId, out var watchers))
        {
            foreach (var watcher in watchers)
            {
                if (!ReferenceEquals(watcher, origin))
                {
                    watcher.TryPush(serverEvent);
                }
            }
        }

        if (_online.TryGetValue(accountId, out var presence))
        {
            foreach (var session in presence.Sessions)
            {
                if (!ReferenceEquals(session, origin))
                {
                    session.TryPush(serverEvent);
                }
            }
        }
    }

    /// <summary>True when the account has an open session.</summary>
    public bool IsOnline(long accountId) => _online.ContainsKey(accountId);

    /// <summary>Everyone online, by name.</summary>
    public IReadOnlyList<OnlineUser> Online() =>
        [.. _online.Values.Select(p => new OnlineUser(p.Name, p.Sessions.Length, p.Since)).OrderBy(u => u.Name, StringComparer.OrdinalIgnoreCase)];

    /// <summary>Pushes an event to every open session of every user.</summary>
    public void Broadcast(ServerEvent serverEvent, long except = 0)
    {
        foreach (var (accountId, presence) in _online)
        {
            if (accountId == except)
            {
                continue;
            }

            foreach (var session in presence.Sessions)
            {
                session.TryPush(serverEvent);
            }
        }
    }

    private sealed record Presence(string Name, ImmutableArray<ISessionSink> Sessions, DateTimeOffset Since);
}
