using System.Globalization;
using System.Text.Json;
using BenchmarkDotNet.Running;
using Carteiro.Benchmarks.Load;

// dotnet run -c Release --project bench/Carteiro.Benchmarks -- load [--server HOST:PORT] [--senders 50] [--size 1024] [--duration 10] [--window 16] [--json FILE]
// dotnet run -c Release --project bench/Carteiro.Benchmarks -- micro [BenchmarkDotNet arguments]
// dotnet run -c Release --project bench/Carteiro.Benchmarks -- seed --data DIR [--messages 100000]
// dotnet run -c Release --project bench/Carteiro.Benchmarks -- first-screen [--url http://127.0.0.1:4481/] [--user bob] [--password P] [--runs 10]
// dotnet run -c Release --project bench/Carteiro.Benchmarks -- store [--concurrency 64] [--size 1024] [--duration 10]
// dotnet run -c Release --project bench/Carteiro.Benchmarks -- smtp --server 127.0.0.1:4587 --from A --to B [--user U --password P] [--sessions 10] [--size 1024] [--duration 10] [--json FILE]
// dotnet run -c Release --project bench/Carteiro.Benchmarks -- imap --server 127.0.0.1:4143 --user U --password P --scenario seed|maildir|fetch|search|login|idle
//     [--folder INBOX] [--count 10000] [--seed-connections 1] [--maildir DIR] [--runs 5] [--items "(FLAGS ENVELOPE)"] [--word W] [--connections 10]
//     [--duration 10] [--wakes 200] [--server-pid PID] [--label NAME] [--json FILE]
if (args.Length > 0 && args[0] == "imap")
{
    var imapOptions = ParseOptions(args[1..]);
    string Need(string name) => imapOptions.TryGetValue(name, out string? value) ? value : throw new ArgumentException($"imap needs --{name}");
    int Number(string name, int fallback, int max) =>
        Math.Clamp(imapOptions.TryGetValue(name, out string? value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback, 0, max);
    string target = Need("server");
    int colon = target.LastIndexOf(':');
    var imapSettings = new Carteiro.Benchmarks.Imap.ImapBench.Settings(
        target[..colon], int.Parse(target[(colon + 1)..], CultureInfo.InvariantCulture), Need("user"), Need("password"), Need("scenario"),
        imapOptions.GetValueOrDefault("folder", "INBOX"), imapOptions.GetValueOrDefault("label", target),
        Count: Number("count", 10_000, 200_000), Window: Number("window", 32, 256), Runs: Math.Max(1, Number("runs", 5, 100)),
        Items: imapOptions.GetValueOrDefault("items", "(FLAGS ENVELOPE)"), Word: imapOptions.GetValueOrDefault("word", Carteiro.Benchmarks.Imap.ImapCorpus.Needle),
        Connections: Math.Max(1, Number("connections", 10, 200)), Duration: TimeSpan.FromSeconds(Math.Max(1, Number("duration", 10, 300))),
        Warmup: TimeSpan.FromSeconds(Number("warmup", 2, 60)), Wakes: Math.Max(1, Number("wakes", 200, 10_000)), WarmupWakes: Number("warmup-wakes", 20, 1000),
        IdleFolder: imapOptions.GetValueOrDefault("idle-folder", "IdleBench"),
        ServerPid: imapOptions.TryGetValue("server-pid", out string? pid) ? int.Parse(pid, CultureInfo.InvariantCulture) : null,
        Limit: TimeSpan.FromSeconds(Number("limit", 600, 3600)), Maildir: imapOptions.GetValueOrDefault("maildir"),
        SeedConnections: Math.Max(1, Number("seed-connections", 1, 64)));
    var imapResult = await Carteiro.Benchmarks.Imap.ImapBench.RunAsync(imapSettings);
    Console.WriteLine(Carteiro.Benchmarks.Imap.ImapBench.Describe(imapResult));
    if (imapOptions.TryGetValue("json", out string? imapJson))
    {
        await File.WriteAllTextAsync(imapJson, JsonSerializer.Serialize(imapResult, imapResult.GetType(), new JsonSerializerOptions { WriteIndented = true }));
    }

    return 0;
}

// dotnet run -c Release --project bench/Carteiro.Benchmarks -- fanout|push-rate|idle-connections --server HOST:PORT --protocol native|irc|imap [...] [--json FILE]
//     (options in bench/Carteiro.Benchmarks/Live/LiveCommand.cs; side by side with ngircd and Dovecot: bench/peers/live-vs-ngircd)
if (args.Length > 0 && Carteiro.Benchmarks.Live.LiveCommand.Handles(args[0]))
{
    return await Carteiro.Benchmarks.Live.LiveCommand.RunAsync(args[0], args[1..]);
}

// dotnet run -c Release --project bench/Carteiro.Benchmarks -- big-store --data DIR [--messages 1000000] [--runs 3] [--repeat 20] [--cold true]
//     [--server-cwd DIR] [--root-start true] [--json FILE]
//     (a folder filled by seed; start-up, inbox pages and search on a real server; the whole chain: bench/peers/big-store)
if (args.Length > 0 && args[0] == "big-store")
{
    return await Carteiro.Benchmarks.BigStore.BigStoreCommand.RunAsync(ParseOptions(args[1..]));
}

if (args.Length > 0 && args[0] == "smtp")
{
    var smtpOptions = ParseOptions(args[1..]);
    string Need(string name) => smtpOptions.TryGetValue(name, out string? value) ? value : throw new ArgumentException($"smtp needs --{name}");
    string target = Need("server");
    int colon = target.LastIndexOf(':');
    int Number(string name, int fallback) => smtpOptions.TryGetValue(name, out string? value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
    var smtpSettings = new Carteiro.Benchmarks.Smtp.SmtpLoad.Settings(target[..colon], int.Parse(target[(colon + 1)..], CultureInfo.InvariantCulture),
        Number("sessions", 10), Number("size", 1024), TimeSpan.FromSeconds(Number("duration", 10)), TimeSpan.FromSeconds(Number("warmup", 2)),
        Need("from"), Need("to"), smtpOptions.GetValueOrDefault("user"), smtpOptions.GetValueOrDefault("password"));
    var smtpResult = await Carteiro.Benchmarks.Smtp.SmtpLoad.RunAsync(smtpSettings);
    Console.WriteLine($"smtp {target}: {smtpResult.Sessions} sessions, {smtpResult.Size} B messages: {smtpResult.PerSecond:N0} accepted/s " +
        $"({smtpResult.Accepted:N0} in {smtpResult.Seconds:F0} s, {smtpResult.Refused} refused), per message p50 {smtpResult.P50Micros:F0} µs p99 {smtpResult.P99Micros:F0} µs");
    if (smtpOptions.TryGetValue("json", out string? smtpJson))
    {
        await File.WriteAllTextAsync(smtpJson, JsonSerializer.Serialize(smtpResult));
    }

    return 0;
}

if (args.Length > 0 && args[0] == "micro")
{
    BenchmarkSwitcher.FromAssembly(typeof(LoadSettings).Assembly).Run(args[1..]);
    return 0;
}

if (args.Length > 0 && args[0] == "seed")
{
    var seedOptions = ParseOptions(args[1..]);
    string dataPath = seedOptions.TryGetValue("data", out string? d) ? d : throw new ArgumentException("seed needs --data DIR");
    int messages = seedOptions.TryGetValue("messages", out string? m) ? int.Parse(m, CultureInfo.InvariantCulture) : 100_000;
    await Carteiro.Benchmarks.Store.SeedMailbox.RunAsync(dataPath, messages);
    return 0;
}

if (args.Length > 0 && args[0] == "first-screen")
{
    var webOptions = ParseOptions(args[1..]);
    await Carteiro.Benchmarks.Web.FirstScreenBenchmark.RunAsync(
        new Uri(webOptions.TryGetValue("url", out string? url) ? url : "http://127.0.0.1:4481/"),
        webOptions.TryGetValue("user", out string? user) ? user : "bob",
        webOptions.TryGetValue("password", out string? password) ? password : Carteiro.Benchmarks.Store.SeedMailbox.Password,
        webOptions.TryGetValue("runs", out string? runs) ? int.Parse(runs, CultureInfo.InvariantCulture) : 10);
    return 0;
}

if (args.Length > 0 && args[0] == "store")
{
    var storeOptions = ParseOptions(args[1..]);
    int Get(string name, int fallback) => storeOptions.TryGetValue(name, out string? value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
    await Carteiro.Benchmarks.Store.StoreBenchmark.RunAsync(Get("concurrency", 64), Get("size", 1024), TimeSpan.FromSeconds(Get("duration", 10)));
    return 0;
}

var options = ParseOptions(args.Length > 0 && args[0] == "load" ? args[1..] : args);
var settings = new LoadSettings
{
    Senders = Int("senders", 50),
    Recipients = Int("recipients", 10),
    BodySize = Int("size", 1024),
    Duration = TimeSpan.FromSeconds(Int("duration", 10)),
    Window = Int("window", 16),
    LatencySamples = Int("samples", 2000),
};

ServerProcess? server = null;
if (options.TryGetValue("server", out string? address))
{
    int colon = address.LastIndexOf(':');
    settings = settings with { Host = address[..colon], Port = int.Parse(address[(colon + 1)..], CultureInfo.InvariantCulture) };
}
else
{
    string dll = Path.Combine(AppContext.BaseDirectory, "carteiro.dll");
    server = await ServerProcess.StartAsync(dll, CancellationToken.None);
    settings = settings with { Port = server.Port };
    Console.WriteLine($"started carteiro serve on 127.0.0.1:{server.Port} (data {server.DataPath})");
}

try
{
    var generator = new LoadGenerator(settings);
    Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
    Console.WriteLine($"throughput: {settings.Senders} senders, {settings.BodySize} B bodies, window {settings.Window}, {settings.Duration.TotalSeconds} s after {settings.Warmup.TotalSeconds} s warm-up");
    var throughput = await generator.RunThroughputAsync(server is null ? null : () => server.CpuTime, CancellationToken.None);
    Console.WriteLine($"  acknowledged durable sends/s  {throughput.PerSecond,12:N0}   ({throughput.Acknowledged:N0} in {throughput.Seconds:F1} s, {throughput.Failed} failed, {throughput.EventsReceived:N0} pushes received)");
    string serverCost = throughput.ServerCpuPerSend is double cost ? $"server {cost,6:F0} µs" : "server (not measured: external)";
    Console.WriteLine($"  CPU per acknowledged send          {serverCost}, load generator {throughput.GeneratorCpuPerSend,6:F0} µs");
    Console.WriteLine($"latency: one sender, one online recipient, {settings.LatencySamples} sequential {settings.BodySize} B sends");
    var latency = await generator.RunLatencyAsync(CancellationToken.None);
    Console.WriteLine($"  push (send → recipient event)  p50 {latency.Push.P50,8:F0} µs   p90 {latency.Push.P90,8:F0} µs   p99 {latency.Push.P99,8:F0} µs   max {latency.Push.Max,8:F0} µs");
    Console.WriteLine($"  ack  (send → committed reply)  p50 {latency.Ack.P50,8:F0} µs   p90 {latency.Ack.P90,8:F0} µs   p99 {latency.Ack.P99,8:F0} µs   max {latency.Ack.Max,8:F0} µs");
    if (server is not null)
    {
        Console.WriteLine($"  server working set after the run: {server.WorkingSetBytes / (1024 * 1024)} MiB");
    }

    if (options.TryGetValue("json", out string? file))
    {
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new { throughput, latency }, new JsonSerializerOptions { WriteIndented = true }));
    }
}
finally
{
    if (server is not null)
    {
        await server.DisposeAsync();
    }
}

return 0;

int Int(string name, int fallback) => options.TryGetValue(name, out string? value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

static Dictionary<string, string> ParseOptions(string[] args)
{
    var result = new Dictionary<string, string>(StringComparer.Ordinal);
    for (int i = 0; i + 1 < args.Length; i += 2)
    {
        result[args[i].TrimStart('-')] = args[i + 1];
    }

    return result;
}
