using System.Globalization;
using System.Text;
using Carteiro.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Carteiro.Storage.Tests;

/// <summary>
/// The search terms against the SQLite this program ships: its unicode61 tokenizer must read every
/// term as one token, or FTS5 refuses the query (the index keeps no positions for phrases).
/// </summary>
public sealed class SearchTermsTests
{
    // As in migration 0008; the test below checks that the store's table says the same.
    private const string Tokenizer = "unicode61 remove_diacritics 2";

    [Theory]
    [InlineData("hello", "\"hello\"")]
    [InlineData("e-mail", "\"e\" \"mail\"")]
    [InlineData("bob@example.org*", "\"bob\" \"example\" \"org\"*")]
    [InlineData("  two   words ", "\"two\" \"words\"")]
    [InlineData("\"quoted\" AND NEAR(x)", "\"quoted\" \"AND\" \"NEAR\" \"x\"")]
    [InlineData("l'été", "\"l\" \"été\"")]
    [InlineData("***", "")]
    [InlineData("a\0b", "\"a\" \"b\"")]
    public void ToFtsQuery_QuotesEachPieceOfEachWord(string typed, string query)
    {
        Assert.Equal(query, SearchTerms.ToFtsQuery(typed));
    }

    [Fact]
    public void CautiousTerms_AreOneTokenEachForTheShippedTokenizer_ForEveryLetterNumberAndMark()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"CREATE VIRTUAL TABLE t USING fts5 (a, detail = column, tokenize = '{Tokenizer}')";
        command.ExecuteNonQuery();

        // Every character the cautious reading keeps inside a term, between two letters.
        int kept = 0;
        using (var transaction = connection.BeginTransaction())
        {
            command.Transaction = transaction;
            command.CommandText = "INSERT INTO t (rowid, a) VALUES ($c, $text)";
            var code = command.Parameters.Add("$c", SqliteType.Integer);
            var text = command.Parameters.Add("$text", SqliteType.Text);
            for (int c = 0x80; c < 0x40000; c++)
            {
                if (!Rune.IsValid(c) || Rune.GetUnicodeCategory(new Rune(c)) == UnicodeCategory.OtherNotAssigned)
                {
                    continue;
                }

                string typed = "a" + char.ConvertFromUtf32(c) + "b";
                if (SearchTerms.ToFtsQuery(typed, cautious: true) == $"\"{typed}\"")
                {
                    code.Value = c;
                    text.Value = typed;
                    command.ExecuteNonQuery();
                    kept++;
                }
            }

            transaction.Commit();
        }

        Assert.True(kept > 100_000, $"only {kept} characters were tried");
        command.Transaction = null;
        command.Parameters.Clear();
        command.CommandText = "SELECT group_concat(printf('U+%04X', rowid), ' ') FROM t WHERE t MATCH '\"a\"'";
        Assert.Null(command.ExecuteScalar() as string);
    }

    [Fact]
    public async Task TheStoresIndex_UsesTheTokenizerTheseTermsAreMadeFor()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"carteiro-terms-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            string path = Path.Combine(folder, "carteiro.db");
            await using (var store = new SqliteMailStore(path))
            {
                await store.InitializeAsync(TestContext.Current.CancellationToken);
            }

            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT sql FROM sqlite_master WHERE name = 'messages_fts'";
            string sql = (string)command.ExecuteScalar()!;
            Assert.Contains($"tokenize = '{Tokenizer}'", sql, StringComparison.Ordinal);
            Assert.Contains("detail = column", sql, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
