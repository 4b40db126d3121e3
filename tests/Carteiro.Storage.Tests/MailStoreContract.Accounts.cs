using Carteiro.Core.Accounts;
using Carteiro.Core.Errors;
using Carteiro.Core.Mailboxes;
using Carteiro.Core.Storage;

namespace Carteiro.Storage.Tests;

public abstract partial class MailStoreContract
{
    [Fact]
    public async Task CreateAccount_HasEmptyStandardFolders()
    {
        var alice = await AccountAsync("alice");

        var folders = await Store.GetFoldersAsync(alice.Id, Ct);

        Assert.Equal(["Inbox", "Sent", "Trash"], folders.Select(f => f.Name));
        Assert.All(folders, f =>
        {
            Assert.Equal(0, f.Total);
            Assert.Equal(0, f.Unread);
            Assert.Equal(1, f.UidNext);
            Assert.True(f.UidValidity > 0);
        });
        Assert.Equal(folders.Count, folders.Select(f => f.Id).Distinct().Count());
    }

    [Fact]
    public async Task CreateAccount_ReturnsTheAccountAsGiven()
    {
        var alice = await AccountAsync("Alice");
        var root = await AccountAsync("root-user", isAdmin: true);

        Assert.True(alice.Id > 0);
        Assert.Equal("Alice", alice.Name);
        Assert.False(alice.IsAdmin);
        Assert.True(root.IsAdmin);
        Assert.NotEqual(alice.Id, root.Id);
    }

    [Theory]
    [InlineData("Alice")]
    [InlineData("alice")]
    [InlineData("ALICE")]
    public async Task CreateAccount_NameTakenWhateverTheCase_IsRefused(string second)
    {
        await AccountAsync("Alice");

        var error = await Assert.ThrowsAsync<CarteiroException>(() => AccountAsync(second));

        Assert.Equal(ErrorCode.NameTaken, error.Code);
        Assert.Single(await Store.ListAccountsAsync(Ct));
    }

    [Theory]
    [InlineData("alice")]
    [InlineData("ALICE")]
    [InlineData("aLiCe")]
    public async Task FindAccount_AnyCase_ReturnsTheAccount(string name)
    {
        var alice = await AccountAsync("Alice");

        Assert.Equal(alice, await Store.FindAccountAsync(name, Ct));
    }

    [Fact]
    public async Task FindAccount_Unknown_ReturnsNull()
    {
        await AccountAsync("alice");

        Assert.Null(await Store.FindAccountAsync("alicia", Ct));
    }

    [Fact]
    public async Task FindCredentials_ReturnsTheAccountAndItsHash()
    {
        var alice = await Store.CreateAccountAsync("Alice", "pbkdf2-sha256$1$c2FsdA==$aGFzaA==", false, Ct);

        var credentials = await Store.FindCredentialsAsync("ALICE", Ct);

        Assert.NotNull(credentials);
        Assert.Equal(alice, credentials.Account);
        Assert.Equal("pbkdf2-sha256$1$c2FsdA==$aGFzaA==", credentials.PasswordHash);
        Assert.Null(await Store.FindCredentialsAsync("bob", Ct));
    }

    [Fact]
    public async Task GetAccount_ById_ReturnsItOrNull()
    {
        var alice = await AccountAsync("alice");

        Assert.Equal(alice, await Store.GetAccountAsync(alice.Id, Ct));
        Assert.Null(await Store.GetAccountAsync(alice.Id + 1000, Ct));
    }

    [Fact]
    public async Task ListAccounts_AreOrderedByName()
    {
        foreach (string name in new[] { "dave", "Carol", "alice", "Bob" })
        {
            await AccountAsync(name);
        }

        var accounts = await Store.ListAccountsAsync(Ct);

        Assert.Equal(["alice", "Bob", "Carol", "dave"], accounts.Select(a => a.Name));
    }

    [Fact]
    public async Task CompleteNames_MatchesThePrefixWhateverTheCase()
    {
        foreach (string name in new[] { "alice", "Albert", "bob", "alfred", "xal" })
        {
            await AccountAsync(name);
        }

        Assert.Equal(["Albert", "alfred", "alice"], await Store.CompleteNamesAsync("AL", 10, Ct));
        Assert.Equal(["alice"], await Store.CompleteNamesAsync("ali", 10, Ct));
        Assert.Empty(await Store.CompleteNamesAsync("z", 10, Ct));
    }

    [Fact]
    public async Task CompleteNames_HonoursTheLimit()
    {
        for (int i = 0; i < 10; i++)
        {
            await AccountAsync($"user{i}");
        }

        Assert.Equal(["user0", "user1", "user2"], await Store.CompleteNamesAsync("user", 3, Ct));
    }

    [Fact]
    public async Task SetPassword_ReplacesTheHash()
    {
        var alice = await AccountAsync("alice");

        Assert.True(await Store.SetPasswordAsync(alice.Id, "new-hash", Ct));

        Assert.Equal("new-hash", (await Store.FindCredentialsAsync("alice", Ct))!.PasswordHash);
    }

    [Fact]
    public async Task SetPassword_RevokesEveryTokenOfTheAccountOnly()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        byte[] phone = AccessToken.Digest("crt_phone"), laptop = AccessToken.Digest("crt_laptop"), bobs = AccessToken.Digest("crt_bob");
        await Store.AddTokenAsync(alice.Id, phone, "phone", Ct);
        await Store.AddTokenAsync(alice.Id, laptop, "laptop", Ct);
        await Store.AddTokenAsync(bob.Id, bobs, "bob", Ct);

        await Store.SetPasswordAsync(alice.Id, "new-hash", Ct);

        Assert.Null(await Store.FindTokenAsync(phone, Ct));
        Assert.Null(await Store.FindTokenAsync(laptop, Ct));
        Assert.Equal(bob, await Store.FindTokenAsync(bobs, Ct));
    }

    [Fact]
    public async Task SetPassword_UnknownAccount_ReturnsFalse()
    {
        var alice = await AccountAsync("alice");

        Assert.False(await Store.SetPasswordAsync(alice.Id + 1000, "x", Ct));
    }

    [Fact]
    public async Task SetAdmin_GrantsAndWithdraws()
    {
        var alice = await AccountAsync("alice");

        Assert.True(await Store.SetAdminAsync(alice.Id, true, Ct));
        Assert.True((await Store.GetAccountAsync(alice.Id, Ct))!.IsAdmin);
        Assert.True(await Store.SetAdminAsync(alice.Id, false, Ct));
        Assert.False((await Store.FindAccountAsync("alice", Ct))!.IsAdmin);
        Assert.False(await Store.SetAdminAsync(alice.Id + 1000, true, Ct));
    }

    [Fact]
    public async Task Token_IsFoundByItsDigest()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        byte[] alices = AccessToken.Digest(AccessToken.Create()), bobs = AccessToken.Digest(AccessToken.Create());

        await Store.AddTokenAsync(alice.Id, alices, "laptop", Ct);
        await Store.AddTokenAsync(bob.Id, bobs, "", Ct);

        Assert.Equal(alice, await Store.FindTokenAsync(alices, Ct));
        Assert.Equal(bob, await Store.FindTokenAsync(bobs, Ct));
        Assert.Null(await Store.FindTokenAsync(AccessToken.Digest(AccessToken.Create()), Ct));
    }

    [Fact]
    public async Task Token_Removed_IsNoLongerFound()
    {
        var alice = await AccountAsync("alice");
        byte[] digest = AccessToken.Digest(AccessToken.Create());
        await Store.AddTokenAsync(alice.Id, digest, "laptop", Ct);

        Assert.True(await Store.RemoveTokenAsync(digest, Ct));

        Assert.Null(await Store.FindTokenAsync(digest, Ct));
        Assert.False(await Store.RemoveTokenAsync(digest, Ct));
    }

    [Fact]
    public async Task RemoveAccount_RemovesItsFoldersEntriesAndTokens()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        await SendAsync(Mail(alice, to: ["bob"]));
        var received = Assert.Single(await ListAsync(bob));
        byte[] digest = AccessToken.Digest(AccessToken.Create());
        await Store.AddTokenAsync(bob.Id, digest, "phone", Ct);

        Assert.True(await Store.RemoveAccountAsync(bob.Id, Ct));

        Assert.Null(await Store.GetAccountAsync(bob.Id, Ct));
        Assert.Null(await Store.FindAccountAsync("bob", Ct));
        Assert.Empty(await Store.GetFoldersAsync(bob.Id, Ct));
        Assert.Null(await Store.ListAsync(bob.Id, new ListQuery(FolderNames.Inbox), Ct));
        Assert.Null(await Store.GetAsync(bob.Id, received.Id, Ct));
        Assert.Null(await Store.FindTokenAsync(digest, Ct));
        Assert.Equal([alice], await Store.ListAccountsAsync(Ct));
        Assert.False(await Store.RemoveAccountAsync(bob.Id, Ct));
    }

    [Fact]
    public async Task RemoveAccount_MessageItSentStaysWithTheRecipient()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        var message = Mail(alice, to: ["bob"], subject: "keep me", body: "still here");
        await SendAsync(message);

        await Store.RemoveAccountAsync(alice.Id, Ct);

        var entry = Assert.Single(await ListAsync(bob));
        Assert.Equal("keep me", entry.Subject);
        Assert.Equal("alice", entry.From);
        Assert.Equal("still here", (await Store.GetAsync(bob.Id, entry.Id, Ct))!.Body);
        Assert.Equal(message.Mime.ToArray(), await Store.GetMimeAsync(bob.Id, entry.Id, Ct));
        Assert.Single(await SearchAsync(bob, "still"));
        var inbox = await FolderAsync(bob);
        Assert.Equal((1, 1), (inbox.Total, inbox.Unread));
    }

    [Fact]
    public async Task RemoveAccount_MessageItReceivedStaysWithTheSender()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        var outcome = await SendAsync(Mail(alice, to: ["bob"], body: "for bob"));

        await Store.RemoveAccountAsync(bob.Id, Ct);

        Assert.Equal("for bob", (await Store.GetAsync(alice.Id, outcome.SentId, Ct))!.Body);
        Assert.Single(await SearchAsync(alice, "bob"));
    }

    [Fact]
    public async Task RemovedName_CannotBeReachedAnyMore()
    {
        var alice = await AccountAsync("alice");
        var bob = await AccountAsync("bob");
        await Store.RemoveAccountAsync(bob.Id, Ct);

        var outcome = await Store.DeliverAsync(Mail(alice, to: ["bob"]), Ct);

        Assert.Equal(["bob"], outcome.UnknownRecipients);
        Assert.Empty(await ListAsync(alice, FolderNames.Sent));
    }
}
