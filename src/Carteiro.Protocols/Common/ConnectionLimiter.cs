using System.Collections.Concurrent;
using System.Net;

namespace Carteiro.Protocols.Common;

/// <summary>Caps simultaneous connections per IP address, across every door.</summary>
public sealed class ConnectionLimiter
{
    private readonly ConcurrentDictionary<IPAddress, int> _counts = new();
    private readonly int _max;

    /// <summary>Creates a limiter allowing <paramref name="maxPerAddress"/> connections per address.</summary>
    public ConnectionLimiter(int maxPerAddress) => _max = maxPerAddress;

    /// <summary>Takes a slot for <paramref name="address"/>; false when it has too many already.</summary>
    public bool TryAcquire(IPAddress? address)
    {
        if (address is null)
        {
            return true;
        }

        while (true)
        {
            int current = _counts.GetOrAdd(address, 0);
            if (current >= _max)
            {
                return false;
            }

            if (_counts.TryUpdate(address, current + 1, current))
            {
                return true;
            }
        }
    }

    /// <summary>Gives back a slot taken by <see cref="TryAcquire"/>.</summary>
    public void Release(IPAddress? address)
    {
        if (address is null)
        {
            return;
        }

        while (_counts.TryGetValue(address, out int current))
        {
            if (current <= 1 ? _counts.TryRemove(new KeyValuePair<IPAddress, int>(address, current)) : _counts.TryUpdate(address, current - 1, current))
            {
                return;
            }
        }
    }
}
