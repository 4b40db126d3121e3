using System.Text;
using Carteiro.Core.Mailboxes;
using Carteiro.Core.Messages;
using Carteiro.Core.Storage;
using Carteiro.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Carteiro.Storage.Tests;

/// <summary>The contract over a real SQLite file in a fresh temporary folder, plus SQLite-only checks.</summary>
public sealed class SqliteMailStoreTests : MailStoreContract
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"carteiro-store-{Guid.NewGuid():N}");

    private string DatabasePath => Path.Combine(_folder, "carteiro.db");

    // Runs on the database file while the store is closed, just before it opens again.
    private Action? _whileClosed;

    protected override async Task<IMailStore> OpenAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_folder);
        _whileClosed?.Invoke();
        _whileClosed = null;
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

    // With foreignKeys, the references are enforced as they are on the store's own connections.
    private SqliteConnection OpenRaw(bool foreignKeys = false)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false, ForeignKeys = foreignKeys }.ToString());
        connection.Open();
        StoredBody.Register(connection);
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
    public async Task SendRefusedAfterItWrote_LeavesNoRowAndTheRestOfItsBatchCommits()
    {
        // Deliveries run without a savepoint of their own. One from an account removed meanwhile
        // is refused only once its message row is written (filing the sender's copy finds no
        // account): the batch must roll back and rerun, not keep that row.
        const int Count = 60;
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        var gone = await AccountAsync("gone");
        Assert.True(await Store.RemoveAccountAsync(gone.Id, Ct));

        var sends = Enumerable.Range(0, Count)
            .Select(i => Task.Run(() => Store.DeliverAsync(Mail(i == Count / 2 ? gone : alice, to: ["bob"], subject: $"batch {i}"), Ct), Ct))
            .ToList();

        var refusal = await Assert.ThrowsAsync<Carteiro.Core.Errors.CarteiroException>(() => sends[Count / 2]);
        Assert.Equal(Carteiro.Core.Errors.ErrorCode.NoSuchUser, refusal.Code);
        foreach (var send in sends.Where((_, i) => i != Count / 2))
        {
            Assert.Empty((await send).UnknownRecipients);
        }

        Assert.Equal(Enumerable.Range(1, Count - 1).Select(i => (long)i), (await ListAsync(bob)).Select(e => e.Uid).Order());
        Assert.Equal(Count - 1, Scalar("SELECT COUNT(*) FROM messages"));
        Assert.Equal(0, Scalar($"SELECT COUNT(*) FROM messages WHERE subject = 'batch {Count / 2}'"));
    }

    [Fact]
    public async Task DeletingEveryEntry_RemovesTheMessageRowAndItsIndexEntry()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        var outcome = await SendAsync(Mail(alice, to: ["bob"], body: "zanzibar"));
        var inbox = Assert.Single(await ListAsync(bob));
        Assert.Single(await Store.SearchAsync(bob.Id, new SearchQuery("zanzibar"), Ct));
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

        await AssertIndexMatchesContentAsync(bob.Id);
    }

    // A search indexes whatever is pending; then the index must hold exactly the stored messages.
    private async Task AssertIndexMatchesContentAsync(long anyAccount)
    {
        await Store.SearchAsync(anyAccount, new SearchQuery("anything"), Ct);
        Assert.Equal(0, Scalar("SELECT COUNT(*) FROM fts_pending"));

        // FTS5 compares its index with the content table's body column, where a text kept once
        // is only a marker (StoredBody). So the check runs on a copy whose markers are replaced
        // by the text the store reads through them: it then compares the index with exactly
        // what the store serves. Throws SQLITE_CORRUPT_VTAB when they disagree.
        string copy = Path.Combine(_folder, "integrity-check.db");
        File.Delete(copy);
        using (var connection = OpenRaw())
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "VACUUM INTO $path";
            command.Parameters.AddWithValue("$path", copy);
            command.ExecuteNonQuery();
        }

        using var checking = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = copy, Pooling = false }.ToString());
        checking.Open();
        StoredBody.Register(checking);
        using var check = checking.CreateCommand();
        check.CommandText = $"UPDATE messages AS m SET body = {StoredBody.Column} WHERE typeof(m.body) = 'blob'";
        check.ExecuteNonQuery();
        check.CommandText = "INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)";
        check.ExecuteNonQuery();
    }

    [Fact]
    public async Task SendsIndexedAfterTheirAcknowledgement_AreAllFoundByTheNextSearch()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");

        // Concurrent sends, then at once a search: whatever the writer has not indexed yet is
        // indexed before the search reads.
        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => SendAsync(Mail(alice, to: ["bob"], body: $"quokka{i % 3} shared"))));
        var found = await Store.SearchAsync(bob.Id, new SearchQuery("quokka1", Limit: 500), Ct);

        Assert.Equal(Enumerable.Range(0, 200).Count(i => i % 3 == 1), found.Count);
        Assert.Equal(200, (await Store.SearchAsync(bob.Id, new SearchQuery("shared", Limit: 500), Ct)).Count);
        await AssertIndexMatchesContentAsync(bob.Id);
    }

    [Fact]
    public async Task MessagesDeletedForGoodBeforeOrAfterIndexing_LeaveTheIndexConsistent()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        for (int round = 0; round < 5; round++)
        {
            // Deleting right after sending races the writer's indexing: both orders must hold.
            var outcomes = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => SendAsync(Mail(alice, to: ["bob"], body: $"round{round} item{i}"))));
            foreach (var outcome in outcomes.Where((_, i) => i % 2 == 0))
            {
                await Store.DeleteAsync(alice.Id, outcome.SentId, Ct);
                await Store.DeleteAsync(bob.Id, outcome.Deliveries.Single(d => d.AccountId == bob.Id).Entry.Id, Ct);
            }
        }

        await AssertIndexMatchesContentAsync(bob.Id);
        Assert.Equal(75, (await Store.SearchAsync(bob.Id, new SearchQuery("item*", Limit: 500), Ct)).Count);
    }

    [Fact]
    public async Task MessagesLeftUnindexedByACrash_AreFoundAfterTheNextStart()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        for (int i = 0; i < 12; i++)
        {
            await SendAsync(Mail(alice, to: ["bob"], body: $"wombat number{i}"));
        }

        // As if the process died after committing the sends and before indexing them.
        _whileClosed = () =>
        {
            using var connection = OpenRaw();
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO messages_fts (messages_fts) VALUES ('delete-all'); INSERT OR IGNORE INTO fts_pending (message_id) SELECT id FROM messages;";
            command.ExecuteNonQuery();
        };
        await ReopenAsync();

        Assert.Equal(12, (await Store.SearchAsync(bob.Id, new SearchQuery("wombat", Limit: 50), Ct)).Count);
        await AssertIndexMatchesContentAsync(bob.Id);
    }

    [Fact]
    public async Task DeletingAFolder_RemovesTheMessagesOnlyItHeldAndKeepsTheIndexConsistent()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        await SendAsync(Mail(alice, to: ["bob"], body: "filed twice"));
        var inbox = Assert.Single(await ListAsync(bob));
        await Store.CreateFolderAsync(bob.Id, "Archive", Ct);
        await Store.CopyAsync(bob.Id, [inbox.Id], "Archive", Ct);
        for (int i = 0; i < 6; i++)
        {
            await AppendAsync(bob, "Archive", Appended(body: $"capybara{i}"));

            // Some appended messages are indexed before the folder goes, some are still pending.
            if (i == 2)
            {
                Assert.Equal(3, (await Store.SearchAsync(bob.Id, new SearchQuery("capybara*"), Ct)).Count);
            }
        }

        Assert.Equal(7, Scalar("SELECT COUNT(*) FROM messages"));

        Assert.True(await Store.DeleteFolderAsync(bob.Id, "Archive", Ct));

        Assert.Equal(1, Scalar("SELECT COUNT(*) FROM messages"));
        Assert.Equal(0, Scalar("SELECT COUNT(*) FROM fts_pending WHERE message_id NOT IN (SELECT id FROM messages)"));
        Assert.Empty(await Store.SearchAsync(bob.Id, new SearchQuery("capybara*"), Ct));
        await AssertIndexMatchesContentAsync(bob.Id);
    }

    [Fact]
    public async Task ChangesSince_ReadsByTheModSeqIndexes()
    {
        await AccountAsync("alice");

        // Without them, a client catching up on a large folder reads every entry's row and
        // every expunge. Entries: the folder's range of the one index that holds uid and modseq.
        using var connection = OpenRaw();
        Assert.Contains("COVERING INDEX entries_folder", Plan(connection, "SELECT id, uid FROM entries WHERE folder_id = 1 AND modseq > 100 ORDER BY uid"));
        Assert.Contains("expunged_modseq", Plan(connection, "SELECT uid FROM expunged WHERE folder_id = 1 AND modseq > 100"));
    }

    [Fact]
    public async Task EachEntry_IsInOneIndexAtItsFoldersPlace()
    {
        // A message to many is filed once per recipient; each index that puts an entry at its
        // folder's place costs a scattered page per recipient.
        await AccountAsync("alice");

        using var connection = OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'entries' ORDER BY name)";
        Assert.Equal("entries_folder,entries_message", command.ExecuteScalar());
    }

    [Fact]
    public async Task AStoreWithTwoFolderIndexesPerEntry_IsRebuiltWithOne_KeepingEveryEntryAndItsIdCounter()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        for (int i = 0; i < 5; i++)
        {
            await SendAsync(Mail(alice, to: ["bob"], subject: $"before {i}"));
        }

        // The newest entry goes for good, so the counter stands above every id still there.
        var newest = (await ListAsync(bob))[0];
        await Store.DeleteAsync(bob.Id, newest.Id, Ct);
        await Store.DeleteAsync(bob.Id, newest.Id, Ct);
        long counter = Scalar("SELECT seq FROM sqlite_sequence WHERE name = 'entries'");
        var before = await SnapshotAsync(alice, bob);

        // The entries table as schema version 9 had it.
        _whileClosed = () =>
        {
            using var connection = OpenRaw();
            using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE entries_old (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, account_id INTEGER NOT NULL,
                    folder_id INTEGER NOT NULL REFERENCES folders (id) ON DELETE CASCADE, uid INTEGER NOT NULL,
                    message_id INTEGER NOT NULL REFERENCES messages (id), flags INTEGER NOT NULL, modseq INTEGER NOT NULL,
                    size INTEGER NOT NULL DEFAULT 0, date INTEGER NOT NULL DEFAULT 0, UNIQUE (folder_id, uid));
                INSERT INTO entries_old SELECT id, account_id, folder_id, uid, message_id, flags, modseq, size, date FROM entries;
                DELETE FROM sqlite_sequence WHERE name = 'entries_old';
                INSERT INTO sqlite_sequence (name, seq) SELECT 'entries_old', seq FROM sqlite_sequence WHERE name = 'entries';
                DROP TABLE entries;
                ALTER TABLE entries_old RENAME TO entries;
                CREATE INDEX entries_message ON entries (message_id);
                CREATE INDEX entries_modseq ON entries (folder_id, modseq);
                PRAGMA user_version = 9;
                """;
            command.ExecuteNonQuery();
        };
        await ReopenAsync();

        Assert.Equal(0, Scalar("SELECT COUNT(*) FROM sqlite_master WHERE tbl_name = 'entries' AND name IN ('entries_modseq', 'sqlite_autoindex_entries_1')"));
        Assert.Equal(2, Scalar("SELECT COUNT(*) FROM pragma_foreign_key_list('entries')"));
        Assert.Contains("REFERENCES folders (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED", EntriesTableSql());
        Assert.Equal(before, await SnapshotAsync(alice, bob));
        Assert.Equal(["before 3", "before 2", "before 1", "before 0"], (await ListAsync(bob)).Select(e => e.Subject));
        var fresh = await SendAsync(Mail(alice, to: ["bob"], subject: "after"));
        Assert.True(fresh.SentId > counter, $"entry id {fresh.SentId} handed out again (the counter stood at {counter})");
    }

    [Fact]
    public async Task AnEntryWithoutItsFolderOrMessage_IsRefusedAtCommit()
    {
        // The references are checked when the transaction commits (so that a statement filing
        // many entries needs no journal of its own), but they are still checked.
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        await SendAsync(Mail(alice, to: ["bob"], subject: "kept"));
        long entries = Scalar("SELECT COUNT(*) FROM entries");
        long folder = Scalar($"SELECT id FROM folders WHERE account_id = {bob.Id} AND special = 'inbox'");
        long message = Scalar("SELECT MAX(id) FROM messages");

        foreach (var (folderId, messageId) in new[] { (folder + 1_000, message), (folder, message + 1_000) })
        {
            using var connection = OpenRaw(foreignKeys: true);
            using var transaction = connection.BeginTransaction();
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = $"INSERT INTO entries (account_id, folder_id, uid, message_id, flags, modseq) VALUES ({bob.Id}, {folderId}, 999, {messageId}, 0, 1)";
            insert.ExecuteNonQuery();
            var refused = Assert.Throws<SqliteException>(transaction.Commit);
            Assert.Contains("FOREIGN KEY", refused.Message, StringComparison.Ordinal);
        }

        Assert.Equal(entries, Scalar("SELECT COUNT(*) FROM entries"));
        Assert.Equal(["kept"], (await ListAsync(bob)).Select(e => e.Subject));
    }

    [Fact]
    public async Task EntryReferences_AreCheckedAtCommit_AndAFolderStillTakesItsEntriesWithItAtOnce()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        await SendAsync(Mail(alice, to: ["bob"], subject: "filed"));
        long inbox = Scalar($"SELECT id FROM folders WHERE account_id = {bob.Id} AND special = 'inbox'");

        Assert.Contains("REFERENCES folders (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED", EntriesTableSql());
        Assert.Contains("REFERENCES messages (id) DEFERRABLE INITIALLY DEFERRED", EntriesTableSql());

        // ON DELETE CASCADE acts when the folder goes, not at commit.
        using var connection = OpenRaw(foreignKeys: true);
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            BEGIN;
            DELETE FROM folders WHERE id = {inbox};
            SELECT COUNT(*) FROM entries WHERE folder_id = {inbox};
            """;
        Assert.Equal(0L, command.ExecuteScalar());
        command.CommandText = "ROLLBACK";
        command.ExecuteNonQuery();
        Assert.Equal(1, Scalar($"SELECT COUNT(*) FROM entries WHERE folder_id = {inbox}"));
    }

    private string EntriesTableSql()
    {
        using var connection = OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'entries'";
        return (string)command.ExecuteScalar()!;
    }

    private static string Plan(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        using var row = command.ExecuteReader();
        var plan = new System.Text.StringBuilder();
        while (row.Read())
        {
            plan.AppendLine(row.GetString(3));
        }

        return plan.ToString();
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

    [Fact]
    public async Task WhileTheStoreIsOpen_CommittedMailReachesTheDatabaseFileItself_NotOnlyTheLog()
    {
        var alice = await AccountAsync("alice");
        await AccountAsync("bob");
        for (int i = 0; i < 20; i++)
        {
            await SendAsync(Mail(alice, to: ["bob"], subject: $"copied back {i}"));
        }

        // The database file alone, without its write-ahead log, as a copy of it sees it: the
        // checkpoint thread must have copied the committed pages back (SQLite's own checkpoint
        // would wait for 1,000 pages of log; these sends make far fewer).
        string copy = Path.Combine(_folder, "file-only.db");
        long inFile = 0;
        for (var deadline = DateTime.UtcNow.AddSeconds(10); inFile < 20 && DateTime.UtcNow < deadline; await Task.Delay(50, Ct))
        {
            File.Copy(DatabasePath, copy, overwrite: true);
            File.Delete(copy + "-wal");
            File.Delete(copy + "-shm");
            try
            {
                using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = copy, Pooling = false }.ToString());
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = "SELECT count(*) FROM messages WHERE subject LIKE 'copied back %'";
                inFile = (long)command.ExecuteScalar()!;
            }
            catch (SqliteException)
            {
                // Copied in the middle of a checkpoint: try again.
            }
        }

        Assert.Equal(20, inFile);
    }

    [Fact]
    public async Task ClosingWhileWritesKeepComing_EveryWriteEnds_CommittedOrRefusedAsClosed()
    {
        var alice = await AccountAsync("alice");
        await AccountAsync("bob");
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            int committed = 0;
            while (true)
            {
                try
                {
                    await Store.DeliverAsync(Mail(alice, ["bob"]), Ct);
                    committed++;
                }
                catch (ObjectDisposedException)
                {
                    return committed;
                }
            }
        }, Ct)).ToList();
        await Task.Delay(200, Ct);

        await Store.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30), Ct);

        // Every write ends: none is left waiting on a writer that has stopped.
        int[] counts = await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(30), Ct);
        Assert.True(counts.Sum() > 0, "nothing was committed before the close");
    }

    [Theory]
    [InlineData("From: a@example.org\r\nSubject: s\r\n\r\n", "one line\r\nand a second, ol\u00e1\r\n", "one line\nand a second, ol\u00e1\n")]
    [InlineData("From: a@example.org\r\n\r\n", "typed without a final line break\r\n", "typed without a final line break")]
    [InlineData("From: a@example.org\n\n", "a document with bare LF lines\n", "a document with bare LF lines\n")]
    public async Task ATextTheDocumentHolds_IsStoredOnceAndReadsBackExactly(string header, string content, string body)
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        byte[] document = Encoding.UTF8.GetBytes(header + content);

        await SendAsync(Mail(alice, to: ["bob"], body: body, mime: document));

        Assert.Equal("blob", ScalarText("SELECT typeof(body) FROM messages"));
        var entry = Assert.Single(await ListAsync(bob));
        var read = await Store.GetAsync(bob.Id, entry.Id, Ct);
        Assert.Equal(body, read!.Body);
        Assert.Equal(document, await Store.GetMimeAsync(bob.Id, entry.Id, Ct));
        await AssertIndexMatchesContentAsync(bob.Id);
    }

    [Theory]
    [InlineData("ol=C3=A1, mundo =E2=80=94 a line broken=\r\n where it was not typed\r\n", "ol\u00e1, mundo \u2014 a line broken where it was not typed")]
    [InlineData("a=3Db, a tab=09\r\nand a second line=20\r\n", "a=b, a tab\t\nand a second line \n")]
    [InlineData("=F0=9F=98=80 ends with a soft break=\r\n", "\U0001F600 ends with a soft break")]
    public async Task AQuotedPrintableText_IsStoredOnceAndReadsBackExactly(string content, string body)
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        byte[] document = Encoding.UTF8.GetBytes("Subject: s\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" + content);

        await SendAsync(Mail(alice, to: ["bob"], body: body, mime: document));

        Assert.Equal("q", ScalarText("SELECT CAST(substr(body, 1, 1) AS TEXT) FROM messages WHERE typeof(body) = 'blob'"));
        var entry = Assert.Single(await ListAsync(bob));
        Assert.Equal(body, (await Store.GetAsync(bob.Id, entry.Id, Ct))!.Body);
        Assert.Equal(document, await Store.GetMimeAsync(bob.Id, entry.Id, Ct));
        Assert.Single(await SearchAsync(bob, body.Contains("line", StringComparison.Ordinal) ? "line" : "soft"));
        await AssertIndexMatchesContentAsync(bob.Id);
    }

    [Fact]
    public async Task EveryComposedPlainText_IsStoredOnce_AndReadsBackExactly()
    {
        // What the native door composes: 7bit when every line is ASCII and at most 998 characters
        // long, quoted-printable otherwise. Either way the text must be read off the document, and
        // exactly. Texts with a CR are left out: the document cannot tell a typed CRLF from a
        // line break, so those are kept as text by design.
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        string[] pieces = ["word", " ", "  ", "\t", "\n", "\n\n", "=", "=3D", ".", "ol\u00e1", "\u2014", "\U0001F600", "\u00e7\u00e3o", new string('x', 700), "end "];
        var random = new Random(20261126);
        var bodies = new List<string>();
        for (int i = 0; i < 150; i++)
        {
            var text = new StringBuilder();
            for (int n = random.Next(0, 12); n > 0; n--)
            {
                text.Append(pieces[random.Next(pieces.Length)]);
            }

            bodies.Add(text.ToString());
        }

        foreach (string body in bodies)
        {
            var composed = MimeComposer.Compose("alice", new Draft { To = ["bob"], Subject = "s", Body = body }, "example.org", DateTimeOffset.UnixEpoch, null);
            await SendAsync(Mail(alice, to: ["bob"], body: body, mime: composed.Bytes));
        }

        var read = new List<string>();
        foreach (var entry in (await Store.ListAsync(bob.Id, new ListQuery(FolderNames.Inbox, Limit: 500), Ct))!.Items.Reverse())
        {
            read.Add((await Store.GetAsync(bob.Id, entry.Id, Ct))!.Body);
        }

        Assert.Equal(bodies, read);
        Assert.Equal(0, Scalar("SELECT COUNT(*) FROM messages WHERE typeof(body) <> 'blob' AND body <> ''"));
        Assert.True(Scalar("SELECT COUNT(*) FROM messages WHERE substr(body, 1, 1) = X'71'") > 50, "too few texts went the quoted-printable way");
        await AssertIndexMatchesContentAsync(bob.Id);
    }

    [Theory]
    [InlineData("soft=\r\nbreak\r\n", "soft break")]
    [InlineData("caf=C3=A9\r\n", "cafe")]
    [InlineData("the document says something else\r\n", "the text a reader sees")]
    [InlineData("a\r\n", "a\n\n")]
    public async Task ATextTheDocumentDoesNotHoldAsIs_IsStoredAsText(string content, string body)
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");

        await SendAsync(Mail(alice, to: ["bob"], body: body, mime: Encoding.UTF8.GetBytes("Subject: s\r\n\r\n" + content)));

        Assert.Equal("text", ScalarText("SELECT typeof(body) FROM messages"));
        var entry = Assert.Single(await ListAsync(bob));
        Assert.Equal(body, (await Store.GetAsync(bob.Id, entry.Id, Ct))!.Body);
    }

    [Fact]
    public async Task ATextKeptOnce_IsFoundBySearch_AndLeavesTheIndexWhenDeletedForGood()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        string body = string.Concat(Enumerable.Repeat("filler words for a long message\n", 3000)) + "xylophone at the end\n";
        var outcome = await SendAsync(Mail(alice, to: ["bob"], body: body,
            mime: Encoding.UTF8.GetBytes("Subject: long\r\n\r\n" + body.Replace("\n", "\r\n", StringComparison.Ordinal))));
        Assert.Equal("blob", ScalarText("SELECT typeof(body) FROM messages"));

        var entry = Assert.Single(await Store.SearchAsync(bob.Id, new SearchQuery("xylophone"), Ct));
        await Store.DeleteAsync(bob.Id, entry.Id, Ct);
        await Store.DeleteAsync(alice.Id, outcome.SentId, Ct);

        Assert.Equal(0, Scalar("SELECT COUNT(*) FROM messages"));
        Assert.Equal(0, Scalar("SELECT COUNT(*) FROM messages_fts WHERE messages_fts MATCH 'xylophone'"));
        await AssertIndexMatchesContentAsync(alice.Id);
    }

    [Fact]
    public async Task AWordSQLitesTokenizerCutsAtAMark_IsStillFound()
    {
        // U+0305 (combining overline) is a letter's mark to .NET and a separator to the
        // tokenizer: the first query is refused as a phrase, and the cautious one finds the mail.
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        var sent = await SendAsync(Mail(alice, to: ["bob"], body: "the value x\u0305y is the mean"));
        await SendAsync(Mail(alice, to: ["bob"], body: "only x here"));

        var found = Assert.Single(await SearchAsync(bob, "x\u0305y"));

        Assert.Equal(sent.MessageId, found.MessageId);
    }

    [Fact]
    public async Task MoreLeftForTheIndexThanOneChunk_IsAllIndexed_EvenAfterAChunkInTheBackground()
    {
        // What an upgrade that rebuilds the index (or a crash in a busy moment) leaves: more
        // messages waiting for the index than the writer takes in one chunk while it is idle.
        const int Count = 1100;
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        await Task.WhenAll(Enumerable.Range(0, Count).Select(i =>
            Store.DeliverAsync(Mail(alice, to: ["bob"], body: i == Count - 1 ? "the last one mentions a walrus" : $"filler {i}"), Ct)));
        _whileClosed = () =>
        {
            using var connection = OpenRaw();
            using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO messages_fts (messages_fts) VALUES ('delete-all');
                INSERT OR IGNORE INTO fts_pending (message_id) SELECT id FROM messages;
                """;
            command.ExecuteNonQuery();
        };
        await ReopenAsync();

        // The idle writer indexes a first chunk, oldest first, and must know that more is waiting:
        // the newest message, which the search must then find.
        for (var deadline = DateTime.UtcNow.AddSeconds(20); Scalar("SELECT COUNT(*) FROM fts_pending") == Count && DateTime.UtcNow < deadline;)
        {
            await Task.Delay(20, Ct);
        }

        Assert.Single(await SearchAsync(bob, "walrus"));
        Assert.Equal(0, Scalar("SELECT COUNT(*) FROM fts_pending"));
    }

    [Fact]
    public async Task AStoreIndexedWithWordPositions_IsReindexedWithoutThem_AndSearchFindsItsMail()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        var old = await SendAsync(Mail(alice, to: ["bob"], subject: "Harvest", body: "The orchard gave plums this year."));
        await Store.SearchAsync(bob.Id, new SearchQuery("plums"), Ct);

        // The store as schema version 7 left it: the index with positions, holding every message.
        _whileClosed = () =>
        {
            using var connection = OpenRaw();
            using var command = connection.CreateCommand();
            command.CommandText = $"""
                DROP TABLE messages_fts;
                CREATE VIRTUAL TABLE messages_fts USING fts5 (subject, body, names, content = 'messages', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');
                INSERT INTO messages_fts (rowid, subject, body, names) SELECT m.id, m.subject, {StoredBody.Column}, m.names FROM messages m;
                DELETE FROM fts_pending;
                PRAGMA user_version = 7;
                """;
            command.ExecuteNonQuery();
        };
        await ReopenAsync();

        Assert.Contains("detail = column", ScalarText("SELECT sql FROM sqlite_master WHERE name = 'messages_fts'"), StringComparison.Ordinal);
        Assert.Equal(old.MessageId, Assert.Single(await SearchAsync(bob, "plums")).MessageId);
        var fresh = await SendAsync(Mail(alice, to: ["bob"], subject: "Harvest again", body: "Plums and pears."));
        Assert.Equal([fresh.MessageId, old.MessageId], (await SearchAsync(bob, "plums")).Select(e => e.MessageId));
        await AssertIndexMatchesContentAsync(bob.Id);
    }

    private string ScalarText(string sql)
    {
        using var connection = OpenRaw();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (string)command.ExecuteScalar()!;
    }
}
