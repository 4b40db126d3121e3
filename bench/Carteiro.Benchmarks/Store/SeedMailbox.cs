using System.Diagnostics;
using System.Threading.Channels;
using Carteiro.Core.Accounts;
using Carteiro.Core.Mailboxes;
using Carteiro.Core.Messages;
using Carteiro.Core.Storage;
using Carteiro.Hosting;
using Carteiro.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Carteiro.Benchmarks.Store;

/// <summary>
/// Fills a data folder with a big mailbox for the web, list and big-store benchmarks: a few hundred
/// people (alice among them) send <c>bob</c> N messages of <see cref="SeedCorpus"/> (every password
/// "benchmark-password"). Run it on a stopped server's folder, then <c>carteiro serve --data</c> it.
/// Writes go through the store as a server's would, many in flight so that the writer commits them
/// in large groups; the store ends with nothing waiting for the full-text index, and a
/// <see cref="SeedRecord"/> beside the database says what was seeded, so scripts can reuse the folder.
/// </summary>
internal static class SeedMailbox
{
    public const string Password = "benchmark-password";

    /// <summary>The mailbox owner.</summary>
    public const string Owner = "bob";

    // Deliveries in flight: enough that each group commit (one fsync) carries about a thousand. Not
    // more: the writer indexes at most 1,024 pending messages after each commit, so with 2,048 per
    // commit half of all messages waited for the index (about 500,000 at the end of a 1,000,000 seed,
    // indexed in one transaction that took 98 s); at 1,024 it keeps pace.
    private const int InFlight = 1024;

    private const int Chunk = 1024;

    public static async Task RunAsync(string dataPath, int count)
    {
        if (SeedRecord.Read(dataPath) is { } done && done.Messages == count && done.Corpus == SeedCorpus.Version && done.Pending == 0)
        {
            Console.WriteLine($"{dataPath} already holds a complete seed of {count:N0} messages (corpus {done.Corpus}); nothing to do");
            return;
        }

        var clock = Stopwatch.StartNew();
        using (var folder = DataFolder.OpenExclusive(dataPath))
        {
            await using var store = new SqliteMailStore(folder.DatabasePath);
            await store.InitializeAsync(CancellationToken.None);
            string hash = PasswordHasher.Hash(Password, 1000);
            var owner = await FindOrCreateAsync(store, Owner, hash);
            if (await store.GetFolderAsync(owner.Id, FolderNames.Inbox, CancellationToken.None) is { Total: > 0 } inbox)
            {
                throw new InvalidOperationException($"{Owner}'s inbox in {dataPath} already holds {inbox.Total:N0} messages: seed an empty data folder (delete it first)");
            }

            // All at once: they share a commit instead of an fsync each.
            var senders = (await Task.WhenAll(SeedCorpus.Senders.Select(name => FindOrCreateAsync(store, name, hash)))).ToList();

            Console.WriteLine($"seeding {count:N0} messages from {senders.Count} senders to {Owner} in {folder.Path}");
            await DeliverAllAsync(store, folder.DatabasePath, senders, count, clock);
            double delivered = clock.Elapsed.TotalSeconds;

            Console.WriteLine($"delivered {count:N0} messages in {delivered:F0} s ({count / delivered:N0}/s)");

            // Sends are indexed after they are committed; a search indexes whatever is still waiting
            // before it reads. One search now leaves the store fully indexed, as a server that has
            // been quiet for a while would be, and times that catch-up on its own. (LIMIT 50, not 1:
            // for a small LIMIT SQLite plans the search as a walk over every entry of the account,
            // 19 s at 1,000,000 messages.)
            var index = Stopwatch.StartNew();
            await store.SearchAsync(owner.Id, new SearchQuery(SeedCorpus.Markers(count)[^1].Word, null, 50, 0), CancellationToken.None);
            Console.WriteLine($"  full-text index caught up in {index.Elapsed.TotalSeconds:F1} s");
        }

        // The store is closed (its WAL checkpointed into the database): check what a server will find.
        var record = Verify(dataPath, count, clock.Elapsed);
        SeedRecord.Write(dataPath, record);
        Console.WriteLine($"seeded {count:N0} messages to {Owner} in {record.Seconds:F0} s ({record.Bytes / (1024.0 * 1024):N0} MiB); password for everyone: {Password}");
    }

    private static async Task DeliverAllAsync(SqliteMailStore store, string database, List<Account> senders, int count, Stopwatch clock)
    {
        // Making and composing a message (MimeKit) costs the seeder about as much CPU as the store's
        // writer spends storing it: chunks are made in parallel ahead of the deliveries, which take
        // them in order so that UIDs follow dates.
        var markers = SeedCorpus.Markers(count);
        var chunks = Channel.CreateBounded<NewMessage[]>(new BoundedChannelOptions(4) { SingleReader = true, SingleWriter = true });
        var making = Task.Run(async () =>
        {
            try
            {
                for (int first = 0; first < count; first += Chunk)
                {
                    var chunk = new NewMessage[Math.Min(Chunk, count - first)];
                    int from = first;
                    Parallel.For(0, chunk.Length, i => chunk[i] = Make(from + i, count, markers, senders));
                    await chunks.Writer.WriteAsync(chunk);
                }
            }
            finally
            {
                chunks.Writer.Complete();
            }
        });

        using var slots = new SemaphoreSlim(InFlight);
        Exception? failure = null;
        long reported = 0;
        int delivered = 0;
        await foreach (var chunk in chunks.Reader.ReadAllAsync())
        {
            foreach (var message in chunk)
            {
                await slots.WaitAsync();
                _ = DeliverOneAsync(message);
            }

            delivered += chunk.Length;
            if (clock.ElapsedMilliseconds - reported >= 10_000)
            {
                reported = clock.ElapsedMilliseconds;
                Console.WriteLine($"  {delivered:N0} messages ({delivered / clock.Elapsed.TotalSeconds:N0}/s), {Count(database, "fts_pending"):N0} waiting for the full-text index");
            }

            if (failure is not null)
            {
                break;
            }
        }

        for (int i = 0; i < InFlight; i++)
        {
            await slots.WaitAsync();
        }

        await making;
        if (failure is not null)
        {
            throw new InvalidOperationException("a seeded delivery failed", failure);
        }

        async Task DeliverOneAsync(NewMessage message)
        {
            try
            {
                await store.DeliverAsync(message, CancellationToken.None);
            }
            catch (Exception error)
            {
                failure ??= error;
            }
            finally
            {
                slots.Release();
            }
        }
    }

    private static NewMessage Make(int index, int count, IReadOnlyList<SeedCorpus.Marker> markers, List<Account> senders)
    {
        var seed = SeedCorpus.Make(index, count, markers);
        var sender = senders[seed.Sender];
        var draft = new Draft { To = [Owner], Cc = seed.Cc is null ? [] : [seed.Cc], Subject = seed.Subject, Body = seed.Body };
        var composed = MimeComposer.Compose(sender.Name, draft, "localhost", seed.Date, null);
        return new NewMessage(sender, null, seed.Date, draft.To, draft.Cc, [], false, seed.Subject, seed.Body, [], null, null,
            composed.MessageIdHeader, composed.Bytes);
    }

    // A read-only look at the file beside the store's own connections (WAL lets it read while they write).
    private static long Count(string database, string table)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {table}";
        return (long)command.ExecuteScalar()!;
    }

    // Read-only, straight from the file: the marker words' exact counts in the full-text index,
    // and nothing left waiting for it.
    private static SeedRecord Verify(string dataPath, int count, TimeSpan elapsed)
    {
        string database = Path.Combine(Path.GetFullPath(dataPath), "carteiro.db");
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        long Scalar(string sql, string? word = null)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Parameters.AddWithValue("$w", word ?? "");
            return (long)command.ExecuteScalar()!;
        }

        long pending = Scalar("SELECT COUNT(*) FROM fts_pending");
        var hits = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var marker in SeedCorpus.Markers(count))
        {
            hits[marker.Word] = Scalar("SELECT COUNT(*) FROM messages_fts WHERE messages_fts MATCH $w", marker.Word);
            if (hits[marker.Word] != marker.Hits)
            {
                throw new InvalidOperationException($"the index finds '{marker.Word}' in {hits[marker.Word]:N0} messages, not {marker.Hits:N0}");
            }
        }

        if (pending != 0)
        {
            throw new InvalidOperationException($"{pending:N0} messages still wait for the full-text index");
        }

        long bytes = new DirectoryInfo(Path.GetDirectoryName(database)!).EnumerateFiles().Sum(f => f.Length);
        return new SeedRecord(count, SeedCorpus.Version, pending, elapsed.TotalSeconds, count / elapsed.TotalSeconds, bytes, hits, DateTimeOffset.UtcNow);
    }

    private static async Task<Account> FindOrCreateAsync(SqliteMailStore store, string name, string hash) =>
        (await store.FindCredentialsAsync(name, CancellationToken.None))?.Account
        ?? await store.CreateAccountAsync(name, hash, false, CancellationToken.None);
}
