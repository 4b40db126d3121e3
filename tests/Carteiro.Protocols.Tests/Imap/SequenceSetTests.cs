using Carteiro.Protocols.Imap;

namespace Carteiro.Protocols.Tests.Imap;

public sealed class SequenceSetTests
{
    [Theory]
    [InlineData("1:3,7", 2, 10, true)]
    [InlineData("1:3,7", 5, 10, false)]
    [InlineData("5:*", 10, 10, true)]
    [InlineData("*", 10, 10, true)]
    [InlineData("*:5", 7, 10, true)]
    [InlineData("20:*", 10, 10, true)]
    public void Contains_ResolvesTheStar(string set, long number, long largest, bool expected) =>
        Assert.Equal(expected, SequenceSet.Parse(set).Contains(number, largest));

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("1:")]
    [InlineData("a")]
    [InlineData("4294967296")]
    public void Parse_RefusesWhatIsNotASet(string text) => Assert.Throws<ImapSyntaxException>(() => SequenceSet.Parse(text));

    [Fact]
    public void Format_CompressesRuns() => Assert.Equal("1:3,7,9:10", SequenceSet.Format([1, 2, 3, 7, 9, 10]));
}
