using System.Globalization;
using Carteiro.Benchmarks.Imap;
using Carteiro.Benchmarks.Irc;
using Carteiro.Benchmarks.Native;

namespace Carteiro.Benchmarks.Live;

/// <summary>The server a live scenario drives: where it listens and which protocol it speaks (native, irc or imap).</summary>
internal sealed record LiveTarget(string Protocol, string Host, int Port)
{
    /// <summary>The password every account the scenarios create or sign in to has.</summary>
    public const string DefaultPassword = "benchmark-password";

    /// <summary>From <c>--server HOST:PORT</c> and <c>--protocol</c>; loopback only.</summary>
    public static LiveTarget Parse(string server, string protocol)
    {
        if (protocol is not ("native" or "irc" or "imap"))
        {
            throw new ArgumentException($"--protocol is native, irc or imap, not '{protocol}'");
        }

        int colon = server.LastIndexOf(':');
        if (colon <= 0)
        {
            throw new ArgumentException($"--server is HOST:PORT, not '{server}'");
        }

        var target = new LiveTarget(protocol, server[..colon], int.Parse(server[(colon + 1)..], CultureInfo.InvariantCulture));
        ImapConnection.EnsureLoopback(target.Host);
        return target;
    }

    /// <summary>A signed-in connection as <paramref name="name"/> (native: REGISTER or LOGIN; IRC: NICK and USER).</summary>
    public async Task<LiveConnection> OpenAsync(string name, string password, int bufferSize, CancellationToken cancellationToken) => Protocol switch
    {
        "native" => await NativeConnection.OpenAsync(Host, Port, name, password, bufferSize, cancellationToken).ConfigureAwait(false),
        "irc" => await IrcConnection.OpenAsync(Host, Port, name, bufferSize, cancellationToken).ConfigureAwait(false),
        _ => throw new ArgumentException($"the {Protocol} protocol has no live connection here (only native and irc)"),
    };

    public override string ToString() => $"{Protocol} {Host}:{Port}";
}
