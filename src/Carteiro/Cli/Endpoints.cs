using System.Globalization;
using System.Net;

namespace Carteiro.Cli;

/// <summary>Parses <c>HOST:PORT</c> options.</summary>
public static class Endpoints
{
    /// <summary>Parses a listen address such as <c>127.0.0.1:4480</c>, <c>[::1]:4480</c>, <c>0.0.0.0:4480</c> or <c>localhost:4480</c>.</summary>
    public static bool TryParseListen(string text, out IPEndPoint? endpoint, out string error)
    {
        endpoint = null;
        error = "";
        if (string.Equals(text, "none", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (!TrySplit(text, out string host, out int port))
        {
            error = $"'{text}' is not HOST:PORT (or none)";
            return false;
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            endpoint = new IPEndPoint(IPAddress.Loopback, port);
            return true;
        }

        if (!IPAddress.TryParse(host, out var address))
        {
            error = $"'{host}' is not an IP address (use 127.0.0.1, 0.0.0.0, ::1 or localhost)";
            return false;
        }

        endpoint = new IPEndPoint(address, port);
        return true;
    }

    /// <summary>Splits <c>HOST:PORT</c>; IPv6 hosts go in brackets.</summary>
    public static bool TrySplit(string text, out string host, out int port)
    {
        host = "";
        port = 0;
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
        {
            return false;
        }

        host = text[..colon].Trim('[', ']');
        return host.Length > 0;
    }
}
