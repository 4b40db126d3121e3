using Carteiro.Core.Accounts;

namespace Carteiro.Core.Tests.Accounts;

public sealed class AccessTokenTests
{
    [Fact]
    public void Create_MakesUrlSafePrefixedToken()
    {
        string token = AccessToken.Create();

        Assert.StartsWith("crt_", token, StringComparison.Ordinal);
        Assert.Equal(4 + 43, token.Length);
        Assert.All(token[4..], c => Assert.True(char.IsAsciiLetterOrDigit(c) || c is '-' or '_', $"'{c}' is not URL-safe"));
        Assert.True(AccessToken.LooksValid(token));
    }

    [Fact]
    public void Create_MakesDifferentTokensEachTime()
    {
        var tokens = Enumerable.Range(0, 100).Select(_ => AccessToken.Create()).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(100, tokens.Count);
    }

    [Fact]
    public void Digest_IsSha256AndStable()
    {
        string token = AccessToken.Create();

        byte[] digest = AccessToken.Digest(token);

        Assert.Equal(32, digest.Length);
        Assert.Equal(digest, AccessToken.Digest(token));
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)), digest);
    }

    [Fact]
    public void Digest_DiffersPerToken()
    {
        Assert.NotEqual(AccessToken.Digest(AccessToken.Create()), AccessToken.Digest(AccessToken.Create()));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("crt_")]
    [InlineData("crt_short")]
    [InlineData("tok_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("CRT_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public void LooksValid_RejectsWrongShapes(string? token)
    {
        Assert.False(AccessToken.LooksValid(token));
    }

    [Fact]
    public void LooksValid_RejectsVeryLongToken()
    {
        Assert.False(AccessToken.LooksValid("crt_" + new string('a', 300)));
    }
}
