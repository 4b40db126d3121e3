using Carteiro.Core.Storage;
using Carteiro.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Carteiro.Storage.Tests;

/// <summary>The contract over a real SQLite file in a fresh temporary folder, plus SQLite-only checks.</summary>
public sealed class SqliteMailStoreTests : MailStoreContract
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"carteiro-store-{Guid.NewGuid():N}");

    private string DatabasePath => Path.Combine(_folder, "carteiro.db");

    protected override async Task<IMailStore> OpenAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_folder);
        var store = new SqliteMailStore(DatabasePath);
        await store.InitializeAsync(cancellationToken);
        return store;
    }

    protected override ValueTask DestroyAsync()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }

        return ValueTask.CompletedTask;
    }

    private SqliteConnection OpenRaw()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private long Scalar(string sql)
    {
        using var connection = OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task DeletingEveryEntry_RemovesTheMessageRowAndItsIndexEntry()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        var outcome = await SendAsync(Mail(alice, to: ["bob"], body: "zanzibar"));
        var inbox = Assert.Single(await ListAsync(bob));
        Assert.Equal(1, Scalar("SELECT COUNT(*) FROM messages_fts WHERE messages_fts MATCH 'zanzibar'"));

        await Store.DeleteAsync(bob.Id, inbox.Id, Ct);
        Assert.Equal(1, Scalar("SELECT COUNT(*) FROM messages"));
        await Store.DeleteAsync(alice.Id, outcome.SentId, Ct);

        Assert.Equal(0, Scalar("SELECT COUNT(*) FROM messages"));
        Assert.Equal(0, Scalar("SELECT COUNT(*) FROM messages_fts WHERE messages_fts MATCH 'zanzibar'"));
    }

    [Fact]
    public async Task FullTextIndex_StaysConsistentWithItsContent()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        var carol = await AccountAsync("carol");
        for (int i = 0; i < 10; i++)
        {
            await SendAsync(Mail(i % 2 == 0 ? alice : carol, to: ["bob"], cc: ["carol"], body: $"word{i} café"));
        }

        foreach (var entry in (await ListAsync(bob)).Take(5))
        {
            await Store.DeleteAsync(bob.Id, entry.Id, Ct);
        }

        await Store.RemoveAccountAsync(carol.Id, Ct);

        // Throws SQLITE_CORRUPT_VTAB when the index and the content table disagree.
        using var connection = OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = "INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)";
        command.ExecuteNonQuery();
    }

    [Fact]
    public async Task Database_IsInWalModeWithTheSchemaVersionRecorded()
    {
        await AccountAsync("alice");

        Assert.True(Scalar("PRAGMA user_version") >= 1);
        using var connection = OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)command.ExecuteScalar());
    }
}
