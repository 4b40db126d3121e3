using System.Globalization;
using System.Text.Json;

namespace Carteiro.Benchmarks.Live;

/// <summary>
/// The bench program's live commands, each against any server that speaks one of the protocols
/// (Carteiro's native door or IMAP door, an IRC server, Dovecot), printing one line and with
/// <c>--json FILE</c> the whole result:
/// <code>
/// fanout           --server HOST:PORT --protocol native|irc [--recipients 1000] [--messages 200] [--warmup 20] [--window 4]
///                  [--size 300] [--prefix u] [--concurrency 32] [--server-pid PID] [--limit 600] [--json FILE]
/// push-rate        --server HOST:PORT --protocol native|irc [--rate 1000] [--duration 10] [--warmup 2] [--size 300]
///                  [--prefix p] [--server-pid PID] [--json FILE] [--timeline FILE (one CSV line a message, to find what made the tail)]
/// idle-connections --server HOST:PORT --protocol native|irc|imap --server-pid PID [--connections 10000] [--rounds 5] [--accounts 0 (one each)]
///                  [--user U --password P (imap)] [--prefix i] [--concurrency 32] [--settle 5] [--wait 30] [--limit 1800] [--json FILE]
/// </code>
/// </summary>
internal static class LiveCommand
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public static bool Handles(string command) => command is "fanout" or "push-rate" or "idle-connections";

    public static async Task<int> RunAsync(string command, string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            options[args[i].TrimStart('-')] = args[i + 1];
        }

        string Need(string name) => options.TryGetValue(name, out string? value) ? value : throw new ArgumentException($"{command} needs --{name}");
        int Number(string name, int fallback, int min, int max) =>
            Math.Clamp(options.TryGetValue(name, out string? value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback, min, max);
        int? Pid() => options.TryGetValue("server-pid", out string? pid) ? int.Parse(pid, CultureInfo.InvariantCulture) : null;
        var target = LiveTarget.Parse(Need("server"), Need("protocol"));
        string password = options.GetValueOrDefault("password", LiveTarget.DefaultPassword);

        object result;
        string line;
        switch (command)
        {
            case "fanout":
                var fanOut = await FanOut.RunAsync(new FanOut.Settings(
                    target, Number("recipients", 1000, 1, 20_000), Number("messages", 200, 1, 100_000), Number("warmup", 20, 0, 10_000),
                    Number("window", 4, 1, 1000), Number("size", 300, 1, 400), options.GetValueOrDefault("prefix", "u"), password,
                    Number("concurrency", 32, 1, 1000), Pid(), TimeSpan.FromSeconds(Number("limit", 600, 10, 3600)))).ConfigureAwait(false);
                (result, line) = (fanOut, FanOut.Describe(fanOut));
                break;
            case "push-rate":
                var push = await PushRate.RunAsync(new PushRate.Settings(
                    target, Number("rate", 1000, 1, 100_000), TimeSpan.FromSeconds(Number("duration", 10, 1, 300)), TimeSpan.FromSeconds(Number("warmup", 2, 0, 60)),
                    Number("size", 300, 1, 400), options.GetValueOrDefault("prefix", "p"), password, Pid(), options.GetValueOrDefault("timeline"))).ConfigureAwait(false);
                (result, line) = (push, PushRate.Describe(push));
                break;
            default:
                int connections = Number("connections", 10_000, 2, 100_000);
                var idle = await IdleConnections.RunAsync(new IdleConnections.Settings(
                    target, connections, Number("rounds", 5, 1, 20), Number("accounts", 0, 0, 100_000), options.GetValueOrDefault("prefix", "i"),
                    options.GetValueOrDefault("user", "bench"), password, Number("concurrency", 32, 1, 1000),
                    Pid() ?? throw new ArgumentException("idle-connections needs --server-pid (the server's process, to read its memory)"),
                    TimeSpan.FromSeconds(Number("settle", 5, 0, 600)), TimeSpan.FromSeconds(Number("wait", 30, 0, 3600)),
                    TimeSpan.FromSeconds(Number("limit", 1800, 10, 7200)))).ConfigureAwait(false);
                (result, line) = (idle, IdleConnections.Describe(idle));
                break;
        }

        Console.WriteLine(line);
        if (options.TryGetValue("json", out string? file))
        {
            await File.WriteAllTextAsync(file, JsonSerializer.Serialize(result, result.GetType(), JsonOptions)).ConfigureAwait(false);
        }

        return 0;
    }
}
