using Carteiro.Protocols.Imap;

namespace Carteiro.Protocols.Tests.Imap;

public sealed class BodySectionTests
{
    [Theory]
    [InlineData("", "", "Whole")]
    [InlineData("HEADER", "", "Header")]
    [InlineData("header", "", "Header")]
    [InlineData("TEXT", "", "Text")]
    [InlineData("1", "1", "Whole")]
    [InlineData("1.2.3", "1.2.3", "Whole")]
    [InlineData("1.MIME", "1", "Mime")]
    [InlineData("4.2.HEADER", "4.2", "Header")]
    [InlineData("3.text", "3", "Text")]
    [InlineData("12.HEADER.FIELDS (X)", "12", "HeaderFields")]
    [InlineData("HEADER.FIELDS.NOT (X)", "", "HeaderFieldsNot")]
    public void ValidSpec_GivesPartAndKind(string spec, string part, string kind)
    {
        Assert.True(BodySection.TryParse(spec, out var section, out string error), error);

        Assert.Equal(part, string.Join('.', section.Part));
        Assert.Equal(Enum.Parse<BodySectionKind>(kind), section.Kind);
    }

    [Fact]
    public void FieldNames_MayBeAtomsOrQuotedStrings()
    {
        Assert.True(BodySection.TryParse("HEADER.FIELDS (From to \"Subject\" \"X-\\\"Odd\\\"\")", out var section, out string error), error);

        Assert.Equal(["From", "to", "Subject", "X-\"Odd\""], section.Fields);
    }

    [Fact]
    public void FieldNames_AreMatchedWithoutRegardToCase()
    {
        Assert.True(BodySection.TryParse("HEADER.FIELDS (message-id)", out var section, out _));

        Assert.True(section.Names("Message-ID"u8));
        Assert.False(section.Names("Message"u8));
    }

    [Theory]
    [InlineData("MIME")]
    [InlineData("0")]
    [InlineData("01")]
    [InlineData("1.")]
    [InlineData("1..2")]
    [InlineData("1.0")]
    [InlineData("99999999999")]
    [InlineData("1X")]
    [InlineData("FOO")]
    [InlineData("1.FOO")]
    [InlineData("TEXT extra")]
    [InlineData("HEADER.FIELDS")]
    [InlineData("HEADER.FIELDS ()")]
    [InlineData("HEADER.FIELDS (From")]
    [InlineData("HEADER.FIELDS From")]
    [InlineData("HEADER.FIELDS (\"From)")]
    [InlineData("HEADER.FIELDS (From) extra")]
    public void InvalidSpec_IsRefusedWithAReason(string spec)
    {
        Assert.False(BodySection.TryParse(spec, out _, out string error));

        Assert.NotEmpty(error);
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("header", "HEADER")]
    [InlineData("1.2.mime", "1.2.MIME")]
    [InlineData("3.Text", "3.TEXT")]
    [InlineData("1.header.fields (from \"X-Spam\")", "1.HEADER.FIELDS (FROM X-SPAM)")]
    [InlineData("HEADER.FIELDS.NOT  (  received )", "HEADER.FIELDS.NOT (RECEIVED)")]
    [InlineData("HEADER.FIELDS (\"a b\")", "HEADER.FIELDS (\"A B\")")]
    public void CanonicalForm_IsUpperCasedAndQuotedWhereNeeded(string spec, string canonical)
    {
        Assert.True(BodySection.TryParse(spec, out var section, out string error), error);

        Assert.Equal(canonical, section.ToString());
        Assert.Equal(canonical, Written.Of(section.WriteSpec));
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("TEXT", false)]
    [InlineData("1", false)]
    public void IsWholeMessage_OnlyForTheEmptySpec(string spec, bool whole)
    {
        Assert.True(BodySection.TryParse(spec, out var section, out _));

        Assert.Equal(whole, section.IsWholeMessage);
    }
}
