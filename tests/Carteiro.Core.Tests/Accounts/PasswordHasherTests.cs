using Carteiro.Core.Accounts;

namespace Carteiro.Core.Tests.Accounts;

public sealed class PasswordHasherTests
{
    // Low iteration counts keep the tests fast; the count travels with the hash.
    private const int Iterations = 1000;

    [Fact]
    public void Verify_SamePassword_Succeeds()
    {
        string stored = PasswordHasher.Hash("correct horse", Iterations);

        Assert.True(PasswordHasher.Verify("correct horse", stored));
    }

    [Theory]
    [InlineData("correct hors")]
    [InlineData("Correct horse")]
    [InlineData("correct horse ")]
    [InlineData("")]
    public void Verify_WrongPassword_Fails(string attempt)
    {
        string stored = PasswordHasher.Hash("correct horse", Iterations);

        Assert.False(PasswordHasher.Verify(attempt, stored));
    }

    [Fact]
    public void NonAsciiPassword_Verifies()
    {
        string stored = PasswordHasher.Hash("pão de açúcar ☕", Iterations);

        Assert.True(PasswordHasher.Verify("pão de açúcar ☕", stored));
        Assert.False(PasswordHasher.Verify("pao de acucar ☕", stored));
    }

    [Fact]
    public void Hash_HasSchemeIterationsSaltAndHash()
    {
        string stored = PasswordHasher.Hash("correct horse", Iterations);

        string[] parts = stored.Split('$');
        Assert.Equal(4, parts.Length);
        Assert.Equal("pbkdf2-sha256", parts[0]);
        Assert.Equal("1000", parts[1]);
        Assert.Equal(16, Convert.FromBase64String(parts[2]).Length);
        Assert.Equal(32, Convert.FromBase64String(parts[3]).Length);
    }

    [Fact]
    public void SamePasswordTwice_GetsDifferentSalts()
    {
        string first = PasswordHasher.Hash("correct horse", Iterations);
        string second = PasswordHasher.Hash("correct horse", Iterations);

        Assert.NotEqual(first.Split('$')[2], second.Split('$')[2]);
        Assert.NotEqual(first.Split('$')[3], second.Split('$')[3]);
        Assert.True(PasswordHasher.Verify("correct horse", second));
    }

    [Fact]
    public void TamperedHash_Fails()
    {
        string[] parts = PasswordHasher.Hash("correct horse", Iterations).Split('$');
        byte[] hash = Convert.FromBase64String(parts[3]);
        hash[0] ^= 1;
        parts[3] = Convert.ToBase64String(hash);

        Assert.False(PasswordHasher.Verify("correct horse", string.Join('$', parts)));
    }

    [Fact]
    public void TamperedSalt_Fails()
    {
        string[] parts = PasswordHasher.Hash("correct horse", Iterations).Split('$');
        byte[] salt = Convert.FromBase64String(parts[2]);
        salt[^1] ^= 0x80;
        parts[2] = Convert.ToBase64String(salt);

        Assert.False(PasswordHasher.Verify("correct horse", string.Join('$', parts)));
    }

    [Fact]
    public void TamperedIterationCount_Fails()
    {
        string[] parts = PasswordHasher.Hash("correct horse", Iterations).Split('$');
        parts[1] = "1001";

        Assert.False(PasswordHasher.Verify("correct horse", string.Join('$', parts)));
    }

    // Well-formed base64 of the right sizes (16-byte salt, 32-byte hash), fixed so test names are stable.
    private const string Salt = "c2FsdHNhbHRzYWx0c2FsdA==";
    private const string Digest = "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g=";

    public static TheoryData<string> Malformed() =>
    [
        "",
        "correct horse",
        "$$$",
        $"pbkdf2-sha256$1000${Salt}",
        $"pbkdf2-sha256$1000${Salt}${Digest}$extra",
        $"md5$1000${Salt}${Digest}",
        $"PBKDF2-SHA256$1000${Salt}${Digest}",
        $"pbkdf2-sha256$many${Salt}${Digest}",
        $"pbkdf2-sha256$-1000${Salt}${Digest}",
        $"pbkdf2-sha256$ 1000${Salt}${Digest}",
        $"pbkdf2-sha256$99999999999${Salt}${Digest}",
        $"pbkdf2-sha256$1000$not*base64${Digest}",
        $"pbkdf2-sha256$1000${Salt}$not*base64",
        $"pbkdf2-sha256$0${Salt}${Digest}",
        $"pbkdf2-sha256$1000${Salt}$",
    ];

    [Theory]
    [MemberData(nameof(Malformed))]
    public void MalformedStoredHash_ReturnsFalse(string stored)
    {
        Assert.False(PasswordHasher.Verify("correct horse", stored));
    }

    [Fact]
    public void StoredHashWithEmptyHashPart_AcceptsNoPassword()
    {
        // An empty expected hash must not compare equal to an empty derived key.
        Assert.False(PasswordHasher.Verify("any password at all", $"pbkdf2-sha256$1000${Salt}$"));
    }
}
