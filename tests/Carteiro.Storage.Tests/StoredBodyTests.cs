using System.Text;
using Carteiro.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Carteiro.Storage.Tests;

/// <summary>
/// A body kept as a marker must read back, through SQLite's own expression, as exactly the text
/// it stands for; and a text the document does hold that way should be kept once. Checked on
/// texts and documents drawn from the characters that make it hard: CR, LF, multi-byte and
/// surrogate-pair characters, in every order.
/// </summary>
public sealed class StoredBodyTests : IDisposable
{
    private const string Header = "Subject: s\r\n\r\n";
    private static readonly string[] Pieces = ["a", "\r", "\n", "\r\n", "é", "😀", " "];
    private readonly SqliteConnection _connection = new("Data Source=:memory:");

    // Quoted-printable content: soft breaks, encoded bytes (whole UTF-8 characters, CR, LF, '='),
    // hard line breaks, and pieces a lenient decoder keeps as they are.
    private static readonly string[] QuotedPieces = ["a", "=3D", "=\r\n", "=\n", "=C3=A9", "=F0=9F=98=80", "=0D", "=0A", "=0D=0A", "=20", "\r\n", "\n", " ", "\r"];
    private static readonly string[] MalformedQuotedPieces = ["=", "=4", "=ZZ", "=c3=a9", "= \r\n", "=00", "=FF"];

    public StoredBodyTests()
    {
        _connection.Open();
        StoredBody.Register(_connection);
    }

    public void Dispose() => _connection.Dispose();

    [Fact]
    public void EveryMarker_ReadsBackAsTheText_AndEveryTextTheDocumentHolds_GetsOne()
    {
        var random = new Random(20261126);
        int markers = 0;
        for (int round = 0; round < 4000; round++)
        {
            string tail = Draw(random);
            string body = random.Next(3) switch
            {
                0 => ReadAsSqlDoes(tail, dropFinalCrLf: false),
                1 => tail.EndsWith("\r\n", StringComparison.Ordinal) ? ReadAsSqlDoes(tail, dropFinalCrLf: true) : Draw(random),
                _ => Draw(random),
            };
            byte[] document = Encoding.UTF8.GetBytes(Header + tail);

            object stored = StoredBody.For(body, document);

            if (stored is byte[])
            {
                markers++;
                Assert.Equal(body, ReadBack(stored, document));
            }
            else
            {
                Assert.Same(body, stored);
                bool held = body.Length > 0 && (body == ReadAsSqlDoes(tail, false)
                    || (tail.EndsWith("\r\n", StringComparison.Ordinal) && body == ReadAsSqlDoes(tail, true)));
                Assert.False(held, $"the document holds the text as is, yet it is stored again: {Escape(body)} in {Escape(tail)}");
            }
        }

        Assert.True(markers > 1000, $"only {markers} of 4000 texts were kept once");
    }

    [Fact]
    public void ALongText_SpanningManyChunks_IsKeptOnce()
    {
        string body = string.Concat(Enumerable.Range(0, 5000).Select(i => i % 7 == 0 ? "olá 😀 café\n" : "a plain line of text\n"));
        byte[] document = Encoding.UTF8.GetBytes(Header + body.Replace("\n", "\r\n", StringComparison.Ordinal));

        object stored = StoredBody.For(body, document);

        Assert.IsType<byte[]>(stored);
        Assert.Equal(body, ReadBack(stored, document));
    }

    [Fact]
    public void EveryQuotedPrintableMarker_ReadsBackAsTheText_AndEveryDecodedTextGetsOne()
    {
        var random = new Random(20261127);
        int markers = 0;
        for (int round = 0; round < 4000; round++)
        {
            bool malformed = round % 4 == 3;
            string tail = Draw(random, malformed ? [.. QuotedPieces, .. MalformedQuotedPieces] : QuotedPieces);
            string decoded = malformed ? "" : ReadAsSqlDoes(DecodeWithMimeKit(tail), dropFinalCrLf: false);
            string body = random.Next(3) switch
            {
                0 when !malformed => decoded,
                1 when !malformed && decoded.EndsWith('\n') && DecodeWithMimeKit(tail).EndsWith("\r\n", StringComparison.Ordinal) =>
                    ReadAsSqlDoes(DecodeWithMimeKit(tail), dropFinalCrLf: true),
                _ => Draw(random, ["a", "=", "\n", "\r\n", "é", "😀", " "]),
            };
            byte[] document = Encoding.UTF8.GetBytes(Header + tail);

            object stored = StoredBody.For(body, document);

            if (stored is byte[])
            {
                markers++;
                Assert.Equal(body, ReadBack(stored, document));
            }
            else if (!malformed && body.Length > 0 && !body.Contains('\0') && body == decoded && !tail.Contains('\r') && !decoded.Contains('\r'))
            {
                Assert.Fail($"the decoded document is the text, yet it is stored again: {Escape(body)} in {Escape(tail)}");
            }
        }

        Assert.True(markers > 600, $"only {markers} of 4000 texts were kept once");
    }

    [Theory]
    [InlineData("q999")]
    [InlineData("q-2147483648")]
    [InlineData("q12x")]
    [InlineData("q")]
    public void AQuotedPrintableMarker_ThatDoesNotFitTheDocument_IsAnErrorNotAWrongText(string marker)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT {StoredBody.Column} FROM (SELECT $body AS body, $mime AS mime) AS m";
        command.Parameters.AddWithValue("$body", Encoding.ASCII.GetBytes(marker));
        command.Parameters.AddWithValue("$mime", Encoding.ASCII.GetBytes(Header + "short=\r\n"));

        var error = Assert.Throws<SqliteException>(() => command.ExecuteScalar());
        Assert.Contains("carteiro_quoted_text", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TextsThatCannotBeReadOffTheDocument_AreStoredAsGiven()
    {
        // Built here, not passed as theory data, which would turn a lone surrogate into U+FFFD.
        string[] bodies = ["", "lone " + '\ud800' + " surrogate\r\n", "lone " + '\udc00' + " low surrogate", "ends on a lone " + '\ud83d'];
        foreach (string body in bodies)
        {
            byte[] document = Encoding.UTF8.GetBytes(Header + body);

            Assert.Same(body, StoredBody.For(body, document));
        }
    }

    [Fact]
    public void ADocumentWithANulOrBrokenUtf8_KeepsItsTextAsGiven()
    {
        byte[] withNul = [.. Encoding.ASCII.GetBytes(Header + "a"), 0, .. "b\r\n"u8];
        byte[] broken = [.. Encoding.ASCII.GetBytes(Header + "a"), 0xC3, .. "\r\n"u8];

        Assert.IsType<string>(StoredBody.For("a\0b\n", withNul));
        Assert.IsType<string>(StoredBody.For("a\ufffd\n", broken));
    }

    private static string Draw(Random random) => Draw(random, Pieces);

    private static string Draw(Random random, string[] pieces)
    {
        var text = new StringBuilder();
        int count = random.Next(0, 7);
        for (int i = 0; i < count; i++)
        {
            text.Append(pieces[random.Next(pieces.Length)]);
        }

        return text.ToString();
    }

    // The reference decoding: MimeKit's, as a mail program reads the part.
    private static string DecodeWithMimeKit(string quoted)
    {
        byte[] input = Encoding.UTF8.GetBytes(quoted);
        var decoder = new MimeKit.Encodings.QuotedPrintableDecoder();
        byte[] output = new byte[decoder.EstimateOutputLength(input.Length)];
        return Encoding.UTF8.GetString(output, 0, decoder.Decode(input, 0, input.Length, output));
    }

    // What SQL's replace(substr(…), CRLF, LF) makes of the document's text.
    private static string ReadAsSqlDoes(string tail, bool dropFinalCrLf) =>
        (dropFinalCrLf ? tail[..^2] : tail).Replace("\r\n", "\n", StringComparison.Ordinal);

    private string ReadBack(object marker, byte[] document)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT {StoredBody.Column} FROM (SELECT $body AS body, $mime AS mime) AS m";
        command.Parameters.AddWithValue("$body", marker);
        command.Parameters.AddWithValue("$mime", document);
        return (string)command.ExecuteScalar()!;
    }

    private static string Escape(string text) => text.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
