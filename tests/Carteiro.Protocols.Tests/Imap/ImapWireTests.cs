using System.Text;
using Carteiro.Protocols.Imap;

namespace Carteiro.Protocols.Tests.Imap;

public sealed class ImapWireTests
{
    [Theory]
    [InlineData("plain text", "\"plain text\"")]
    [InlineData("say \"hi\"", "\"say \\\"hi\\\"\"")]
    [InlineData("back\\slash", "\"back\\\\slash\"")]
    [InlineData("", "\"\"")]
    [InlineData("olá", "{4}\r\nolá")]
    [InlineData("two\r\nlines", "{10}\r\ntwo\r\nlines")]
    public void String_IsQuotedWhenItCanBe_ElseALiteral(string text, string expected)
    {
        Assert.Equal(expected, Written.Of(w => w.String(text)));
        Assert.Equal(expected, Written.Of(w => w.String(Encoding.UTF8.GetBytes(text))));
    }

    [Fact]
    public void String_TooLongToQuote_IsALiteral()
    {
        string text = new('a', 2000);
        Assert.Equal("{2000}\r\n" + text, Written.Of(w => w.String(Encoding.UTF8.GetBytes(text))));
    }

    [Fact]
    public void NString_IsNilForNothing() => Assert.Equal("NIL", Written.Of(w => w.NString(null)));

    [Fact]
    public void Number_IsDecimal() => Assert.Equal("4294967295", Written.Of(w => w.Number(uint.MaxValue)));
}
