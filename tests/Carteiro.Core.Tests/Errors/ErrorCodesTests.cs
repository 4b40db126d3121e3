using Carteiro.Core.Errors;
using Carteiro.Wire;

namespace Carteiro.Core.Tests.Errors;

public sealed class ErrorCodesTests
{
    [Fact]
    public void EveryCode_RoundTripsThroughItsWireSpelling()
    {
        Assert.All(Enum.GetValues<ErrorCode>(), code => Assert.Equal(code, ErrorCodes.FromWire(code.ToWire())));
    }

    [Fact]
    public void WireSpellings_AreUniqueLowerCaseWords()
    {
        var spellings = Enum.GetValues<ErrorCode>().Select(c => c.ToWire()).ToList();

        Assert.Equal(spellings.Count, spellings.Distinct(StringComparer.Ordinal).Count());
        Assert.All(spellings, s => Assert.Matches("^[a-z]+(-[a-z]+)*$", s));
    }

    [Theory]
    [InlineData(ErrorCode.UnknownRecipients, "unknown-recipient")]
    [InlineData(ErrorCode.Throttled, "too-many-attempts")]
    [InlineData(ErrorCode.NoSuchMessage, "no-such-message")]
    [InlineData(ErrorCode.Internal, "internal-error")]
    [InlineData(ErrorCode.BadSyntax, "bad-syntax")]
    public void Code_HasTheSpellingInTheProtocol(ErrorCode code, string wire)
    {
        Assert.Equal(wire, code.ToWire());
    }

    [Theory]
    [InlineData("")]
    [InlineData("no-such-thing")]
    [InlineData("BAD-SYNTAX")]
    public void UnknownWireCode_IsInternal(string wire)
    {
        Assert.Equal(ErrorCode.Internal, ErrorCodes.FromWire(wire));
    }

    [Fact]
    public void UnknownRecipients_NamesEveryone()
    {
        var error = Assert.Throws<CarteiroException>(() => Refuse.UnknownRecipients(["zed", "yan"]));

        Assert.Equal(ErrorCode.UnknownRecipients, error.Code);
        Assert.Equal(["zed", "yan"], error.Names);
        Assert.Equal("unknown recipients: zed, yan", error.Message);
    }

    [Theory]
    [InlineData(WireError.LineTooLong, "line-too-long")]
    [InlineData(WireError.LiteralTooLarge, "payload-too-large")]
    [InlineData(WireError.FrameTooLarge, "payload-too-large")]
    [InlineData(WireError.TooManyLiterals, "too-many-payloads")]
    [InlineData(WireError.BadLiteral, "bad-syntax")]
    public void WireError_HasTheSpellingInTheProtocol(WireError error, string wire)
    {
        Assert.Equal(wire, error.ToCode());
    }
}
