using System.Collections.Concurrent;

namespace Carteiro.Core.Accounts;

/// <summary>
/// Slows down guessing: after a few failed sign-ins from one address or for one account, further
/// attempts are refused until a delay that doubles with each failure (capped) has passed.
/// Shared by every door, so switching protocol does not reset the count.
/// </summary>
public sealed class SignInThrottle
{
    private const int MaxTracked = 100_000;
    private static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Forget = TimeSpan.FromMinutes(15);

    private readonly ConcurrentDictionary<string, Failures> _byKey = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly int _freePerAccount;
    private readonly int _freePerAddress;

    /// <summary>
    /// Creates a throttle that reads the clock from <paramref name="time"/> and lets the given
    /// number of failures through before slowing down.
    /// </summary>
    public SignInThrottle(TimeProvider time, int freeFailuresPerAccount = 3, int freeFailuresPerAddress = 3)
    {
        _time = time;
        _freePerAccount = freeFailuresPerAccount;
        _freePerAddress = freeFailuresPerAddress;
    }

    /// <summary>Creates the throttle a server runs with, from its options.</summary>
    public SignInThrottle(TimeProvider time, CarteiroOptions options)
        : this(time, options.SignInFreeFailuresPerAccount, options.SignInFreeFailuresPerAddress)
    {
    }

    /// <summary>
    /// Returns how long the caller must still wait before an attempt for <paramref name="user"/>
    /// from <paramref name="address"/> is allowed; zero when allowed now.
    /// </summary>
    public TimeSpan RetryAfter(string address, string user)
    {
        var now = _time.GetUtcNow();
        var wait = Wait(AddressKey(address), now, _freePerAddress);
        var accountWait = user.Length == 0 ? TimeSpan.Zero : Wait(UserKey(user), now, _freePerAccount);
        return wait > accountWait ? wait : accountWait;
    }

    /// <summary>Records a failed attempt; an empty <paramref name="user"/> counts for the address only.</summary>
    public void Failed(string address, string user)
    {
        var now = _time.GetUtcNow();
        if (_byKey.Count > MaxTracked)
        {
            Prune(now);
        }

        Bump(AddressKey(address), now);

        // Token sign-ins name no account: they count against the address only.
        if (user.Length > 0)
        {
            Bump(UserKey(user), now);
        }
    }

    /// <summary>Records a success: the account's count starts again (the address keeps its own).</summary>
    public void Succeeded(string user) => _byKey.TryRemove(UserKey(user), out _);

    private TimeSpan Wait(string key, DateTimeOffset now, int free)
    {
        if (!_byKey.TryGetValue(key, out var failures) || failures.Count < free)
        {
            return TimeSpan.Zero;
        }

        double seconds = Math.Min(MaxDelay.TotalSeconds, Math.Pow(2, Math.Min(30, failures.Count - free)));
        var until = failures.Last + TimeSpan.FromSeconds(seconds);
        return until > now ? until - now : TimeSpan.Zero;
    }

    private void Bump(string key, DateTimeOffset now) =>
        _byKey.AddOrUpdate(key, _ => new Failures(1, now), (_, f) => now - f.Last > Forget ? new Failures(1, now) : new Failures(f.Count + 1, now));

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, failures) in _byKey)
        {
            if (now - failures.Last > Forget)
            {
                _byKey.TryRemove(key, out _);
            }
        }
    }

    private static string AddressKey(string address) => "a:" + address;

    private static string UserKey(string user) => "u:" + UserName.Normalize(user);

    private sealed record Failures(int Count, DateTimeOffset Last);
}
