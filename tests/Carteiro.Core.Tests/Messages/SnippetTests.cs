using System.Text;
using Carteiro.Core.Messages;

namespace Carteiro.Core.Tests.Messages;

public sealed class SnippetTests
{
    [Fact]
    public void ShortBody_IsKept()
    {
        Assert.Equal("Noon, café?", Snippet.Of("Noon, café?"));
    }

    [Fact]
    public void EmptyBody_IsEmpty()
    {
        Assert.Equal("", Snippet.Of(""));
        Assert.Equal("", Snippet.Of(" \r\n\t "));
    }

    [Fact]
    public void WhiteSpaceRuns_FoldToOneSpaceAndEndsAreTrimmed()
    {
        Assert.Equal("Hi Bob, lunch at noon?", Snippet.Of("  \r\nHi Bob,\r\n\r\n\tlunch   at\u00a0noon? \n"));
    }

    [Fact]
    public void LongBody_IsCutAtLength()
    {
        string snippet = Snippet.Of(new string('a', 500));

        Assert.Equal(new string('a', Snippet.Length), snippet);
    }

    [Theory]
    [InlineData(139)]
    [InlineData(140)]
    [InlineData(141)]
    public void LongBodyWithSpaceNearTheCut_IsTheFirstLengthCharactersOfTheFoldedText(int run)
    {
        // Folded text: a run of 'a', one space, then more words.
        string body = new string('a', run) + " \r\n bcd efg hij klm";
        string folded = new string('a', run) + " bcd efg hij klm";

        string snippet = Snippet.Of(body);

        Assert.Equal(folded[..Math.Min(folded.Length, Snippet.Length)].TrimEnd(), snippet);
        Assert.True(snippet.Length <= Snippet.Length, $"snippet has {snippet.Length} characters");
    }

    [Fact]
    public void FromUtf8_IsTheSameAsFromTheString()
    {
        string[] pieces = ["a", "bc", " ", "\r\n", "\n", "\t", "\u00a0", "é", "😀", "漢字", ".", "word "];
        var random = new Random(2611);
        for (int round = 0; round < 3000; round++)
        {
            var text = new StringBuilder();
            int count = random.Next(0, 120);
            for (int i = 0; i < count; i++)
            {
                text.Append(pieces[random.Next(pieces.Length)]);
            }

            string body = text.ToString();
            Assert.Equal(Snippet.Of(body), Snippet.Of(Encoding.UTF8.GetBytes(body)));
        }
    }

    [Fact]
    public void ASurrogatePairAtTheCut_IsLeftOutWhole()
    {
        string body = new string('a', Snippet.Length - 1) + "😀";

        Assert.Equal(new string('a', Snippet.Length - 1), Snippet.Of(body));
        Assert.Equal(new string('a', Snippet.Length - 1), Snippet.Of(Encoding.UTF8.GetBytes(body)));
    }
}
