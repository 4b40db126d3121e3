using System.Diagnostics;
using Carteiro.Core.Accounts;
using Carteiro.Core.Messages;
using Carteiro.Core.Storage;
using Carteiro.Hosting;
using Carteiro.Storage.Sqlite;

namespace Carteiro.Benchmarks.Store;

/// <summary>
/// Fills a data folder with a big mailbox for the web and list benchmarks: <c>alice</c> sends
/// <c>bob</c> N messages with varied subjects and bodies (both passwords "benchmark-password").
/// Run it on a stopped server's folder, then <c>carteiro serve --data</c> that folder.
/// </summary>
internal static class SeedMailbox
{
    public const string Password = "benchmark-password";

    private static readonly string[] Words =
    [
        "lunch", "report", "meeting", "invoice", "holiday", "project", "kite", "pelican", "budget", "draft",
        "review", "release", "coffee", "schedule", "photos", "train", "ticket", "notes", "plan", "question",
    ];

    public static async Task RunAsync(string dataPath, int count)
    {
        using var folder = DataFolder.OpenExclusive(dataPath);
        await using var store = new SqliteMailStore(folder.DatabasePath);
        await store.InitializeAsync(CancellationToken.None);
        string hash = PasswordHasher.Hash(Password, 1000);
        var alice = await FindOrCreateAsync(store, "alice", hash);
        await FindOrCreateAsync(store, "bob", hash);

        var clock = Stopwatch.StartNew();
        var random = new Random(42);
        var start = DateTimeOffset.UtcNow.AddDays(-count / 500.0);
        const int InFlight = 64;
        var pending = new List<Task>(InFlight);
        for (int n = 0; n < count; n++)
        {
            string subject = $"{Pick(random)} {Pick(random)} #{n}";
            string body = string.Join(' ', Enumerable.Range(0, 40 + random.Next(120)).Select(_ => Pick(random)));
            var date = start.AddSeconds(n * 172.8);
            var composed = MimeComposer.Compose("alice", new Draft { To = ["bob"], Subject = subject, Body = body }, "localhost", date, null);
            pending.Add(store.DeliverAsync(new NewMessage(alice, null, date, ["bob"], [], [], false, subject, body, [], null, null,
                composed.MessageIdHeader, composed.Bytes), CancellationToken.None));
            if (pending.Count == InFlight)
            {
                await Task.WhenAll(pending);
                pending.Clear();
            }

            if ((n + 1) % 10_000 == 0)
            {
                Console.WriteLine($"  {n + 1:N0} messages ({(n + 1) / clock.Elapsed.TotalSeconds:N0}/s)");
            }
        }

        await Task.WhenAll(pending);
        Console.WriteLine($"seeded {count:N0} messages from alice to bob in {clock.Elapsed.TotalSeconds:F0} s; password for both: {Password}");
    }

    private static string Pick(Random random) => Words[random.Next(Words.Length)];

    private static async Task<Account> FindOrCreateAsync(SqliteMailStore store, string name, string hash) =>
        (await store.FindCredentialsAsync(name, CancellationToken.None))?.Account
        ?? await store.CreateAccountAsync(name, hash, false, CancellationToken.None);
}
