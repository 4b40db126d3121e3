using Carteiro.Chat.Tests.Support;
using Carteiro.Chat.ViewModels;
using Carteiro.Client;
using Carteiro.TestKit;

namespace Carteiro.Chat.Tests.ViewModels;

/// <summary>The sign-in / register form.</summary>
[Collection(ChatServerCollection.Name)]
public sealed class SignInViewModelTests(ChatServerFixture fixture)
{
    private TestServer Server => fixture.Server;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<CarteiroClient> ConnectAsync() =>
        await CarteiroClient.ConnectAsync(Server.Host, Server.Port, cancellationToken: Ct);

    [Fact]
    public async Task Register_MakesTheAccountAndSignsIn()
    {
        await using var client = await ConnectAsync();
        string name = UniqueName.Of("newcomer");
        var form = new SignInViewModel(client) { User = name, Password = "long enough" };

        Assert.True(await form.SubmitAsync(register: true, Ct));

        Assert.Equal(name, form.Session?.User);
        await using var again = await ConnectAsync();
        Assert.True(await new SignInViewModel(again) { User = name, Password = "long enough" }.SubmitAsync(register: false, Ct));
    }

    [Fact]
    public async Task WrongPassword_SaysSoAndStaysSignedOut()
    {
        string name = await Users.CreateAsync(Server, "ann");
        await using var client = await ConnectAsync();
        var form = new SignInViewModel(client) { User = name, Password = "not the password" };

        Assert.False(await form.SubmitAsync(register: false, Ct));

        Assert.Equal("wrong user name or password", form.Error);
        Assert.Null(client.Session);
    }

    [Fact]
    public async Task ShortPassword_IsRefusedBeforeRegistering()
    {
        await using var client = await ConnectAsync();
        var form = new SignInViewModel(client) { User = UniqueName.Of("short"), Password = "abc" };

        Assert.False(await form.SubmitAsync(register: true, Ct));

        Assert.Equal("a password needs at least 8 characters", form.Error);
    }

    [Fact]
    public async Task TakenName_SaysSo()
    {
        string name = await Users.CreateAsync(Server, "ann");
        await using var client = await ConnectAsync();
        var form = new SignInViewModel(client) { User = name.ToUpperInvariant(), Password = "long enough" };

        Assert.False(await form.SubmitAsync(register: true, Ct));

        Assert.Equal($"the name {name.ToUpperInvariant()} is taken", form.Error);
    }
}
