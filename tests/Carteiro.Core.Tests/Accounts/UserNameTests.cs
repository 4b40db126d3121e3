using Carteiro.Core.Accounts;
using Carteiro.Core.Errors;

namespace Carteiro.Core.Tests.Accounts;

public sealed class UserNameTests
{
    [Theory]
    [InlineData("a")]
    [InlineData("alice")]
    [InlineData("Bob.Smith_2-x")]
    [InlineData("0")]
    [InlineData("...")]
    public void WellFormedName_IsAccepted(string name)
    {
        Assert.True(UserName.IsWellFormed(name));
        UserName.EnsureRegistrable(name);
    }

    [Theory]
    [InlineData("")]
    [InlineData("al ice")]
    [InlineData("alice@example.org")]
    [InlineData("a/b")]
    [InlineData("café")]
    [InlineData("tab\there")]
    [InlineData("quote\"")]
    [InlineData("\u0430lice")]
    public void MalformedName_IsRefused(string name)
    {
        Assert.False(UserName.IsWellFormed(name));
        var error = Assert.Throws<CarteiroException>(() => UserName.EnsureRegistrable(name));
        Assert.Equal(ErrorCode.InvalidName, error.Code);
    }

    [Fact]
    public void NullName_IsRefused()
    {
        Assert.False(UserName.IsWellFormed(null));
        Assert.Equal(ErrorCode.InvalidName, Assert.Throws<CarteiroException>(() => UserName.EnsureRegistrable(null)).Code);
    }

    [Fact]
    public void NameOf64Characters_IsAccepted()
    {
        Assert.True(UserName.IsWellFormed(new string('a', UserName.MaxLength)));
    }

    [Fact]
    public void NameOf65Characters_IsRefused()
    {
        Assert.False(UserName.IsWellFormed(new string('a', UserName.MaxLength + 1)));
    }

    [Theory]
    [InlineData("everyone")]
    [InlineData("Everyone")]
    [InlineData("ADMIN")]
    [InlineData("postmaster")]
    [InlineData("Mailer-Daemon")]
    [InlineData("carteiro")]
    public void ReservedName_IsRefusedWhateverItsCase(string name)
    {
        Assert.True(UserName.IsWellFormed(name));
        Assert.True(UserName.IsReserved(name));
        var error = Assert.Throws<CarteiroException>(() => UserName.EnsureRegistrable(name));
        Assert.Equal(ErrorCode.InvalidName, error.Code);
    }

    [Theory]
    [InlineData("Alice", "alice")]
    [InlineData("ALICE", "alice")]
    [InlineData("Bob.Smith_2-X", "bob.smith_2-x")]
    public void Normalize_FoldsCase(string name, string key)
    {
        Assert.Equal(key, UserName.Normalize(name));
    }
}
