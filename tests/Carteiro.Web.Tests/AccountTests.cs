using Carteiro.TestKit;
using Carteiro.Web.Tests.Support;

namespace Carteiro.Web.Tests;

/// <summary>Server facts, registration, the session cookie and sign-in over HTTP.</summary>
public sealed class AccountTests(WebFixture fixture) : IClassFixture<WebFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task Server_WithoutSignIn_DescribesServerAndLimits()
    {
        using var web = WebUser.Anonymous(_server);

        var answer = (await web.GetAsync("api/server")).AssertStatus(200);

        Assert.Equal("application/json", answer.MediaType);
        var json = answer.Json;
        Assert.False(string.IsNullOrEmpty(json.Str("version")));
        Assert.Equal("localhost", json.Str("domain"));
        Assert.Equal("open", json.Str("registration"));
        Assert.Equal("everyone", json.Str("broadcast"));
        var limits = json.Prop("limits");
        Assert.Equal(25L * 1024 * 1024, limits.Long("maxMessageSize"));
        Assert.Equal(998, limits.Long("maxSubjectLength"));
        Assert.Equal(50, limits.Long("maxAttachments"));
        Assert.Equal(1000, limits.Long("maxRecipients"));
    }

    [Fact]
    public async Task Register_ClosedServer_403RegistrationClosed_AndNoCookie()
    {
        await using var server = await TestServer.StartAsync(o => o with { RegistrationOpen = false }, cancellationToken: TestContext.Current.CancellationToken);
        using var web = WebUser.Anonymous(server);
        string name = UniqueName.Of("hopeful");

        Assert.Equal("closed", (await web.GetAsync("api/server")).AssertStatus(200).Json.Str("registration"));
        var answer = await web.PostAsync("api/register", new { user = name, password = Passwords.Default });

        answer.AssertProblem(403, "registration-closed");
        Assert.Empty(answer.SetCookies);
        Assert.Null(web.SessionCookie);
        (await web.PostAsync("api/session", new { user = name, password = Passwords.Default })).AssertProblem(401, "auth-failed");
    }

    [Fact]
    public async Task Register_Answers201_AndSetsHttpOnlyStrictSessionCookie()
    {
        using var web = WebUser.Anonymous(_server);
        string name = UniqueName.Of("newbie");

        var answer = (await web.PostAsync("api/register", new { user = name, password = Passwords.Default })).AssertStatus(201);

        Assert.Equal(name, answer.Json.Str("user"));
        Assert.False(answer.Json.Bool("admin"));
        string csrf = answer.Json.Str("csrf");
        Assert.True(csrf.Length >= 16, csrf);
        string cookie = Assert.Single(answer.SetCookies, c => c.StartsWith(WebUser.CookieName + "=", StringComparison.Ordinal));
        var attributes = cookie.Split(';', StringSplitOptions.TrimEntries).Skip(1).Select(a => a.ToLowerInvariant()).ToList();
        Assert.Contains("httponly", attributes);
        Assert.Contains("samesite=strict", attributes);
        Assert.Contains("path=/", attributes);
        Assert.DoesNotContain("secure", attributes);
        Assert.NotNull(web.SessionCookie);

        var session = (await web.GetAsync("api/session")).AssertStatus(200).Json;
        Assert.Equal(name, session.Str("user"));
        Assert.False(session.Bool("admin"));
        Assert.Equal(csrf, session.Str("csrf"));

        // The account has the three standard folders, empty.
        var folders = (await web.GetAsync("api/folders")).AssertStatus(200).Json;
        Assert.Equal(["Inbox", "Sent", "Trash"], folders.EnumerateArray().Select(f => f.Str("name")).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task Session_WithoutCookie_401NotSignedIn()
    {
        using var web = WebUser.Anonymous(_server);

        (await web.GetAsync("api/session")).AssertProblem(401, "not-signed-in");
        (await web.GetAsync("api/folders")).AssertProblem(401, "not-signed-in");
        (await web.GetAsync("api/events")).AssertProblem(401, "not-signed-in");
        (await web.PostAsync("api/messages", new { to = new[] { "x" }, subject = "s", body = "b" })).AssertProblem(401, "not-signed-in");
    }

    [Fact]
    public async Task Session_WithForgedCookieOrToken_401AuthFailed()
    {
        using var cookie = WebUser.WithCookie(_server, "", "not-a-real-token-" + Guid.NewGuid().ToString("N"));
        using var bearer = WebUser.WithToken(_server, "", "not-a-real-token-" + Guid.NewGuid().ToString("N"));

        (await cookie.GetAsync("api/session")).AssertProblem(401, "auth-failed");
        (await bearer.GetAsync("api/session")).AssertProblem(401, "auth-failed");
    }

    [Theory]
    [InlineData("two words")]
    [InlineData("slash/name")]
    [InlineData("caf\u00e9")]
    [InlineData("")]
    [InlineData("postmaster")]
    [InlineData("everyone")]
    public async Task Register_InvalidName_400InvalidName(string name)
    {
        using var web = WebUser.Anonymous(_server);

        var answer = await web.PostAsync("api/register", new { user = name, password = Passwords.Default });

        answer.AssertProblem(400, "invalid-name");
        Assert.Empty(answer.SetCookies);
    }

    [Fact]
    public async Task Register_NameTooLong_400InvalidName()
    {
        using var web = WebUser.Anonymous(_server);

        (await web.PostAsync("api/register", new { user = new string('n', 65), password = Passwords.Default })).AssertProblem(400, "invalid-name");
    }

    [Theory]
    [InlineData("short")]
    [InlineData("")]
    public async Task Register_ShortPassword_400InvalidPassword_AndNoAccount(string password)
    {
        using var web = WebUser.Anonymous(_server);
        string name = UniqueName.Of("weak");

        var answer = await web.PostAsync("api/register", new { user = name, password });

        answer.AssertProblem(400, "invalid-password");
        Assert.Empty(answer.SetCookies);

        // The name is still free.
        (await web.PostAsync("api/register", new { user = name, password = Passwords.Default })).AssertStatus(201);
    }

    [Theory]
    [InlineData("same")]
    [InlineData("upper")]
    [InlineData("lower")]
    public async Task Register_NameTaken_409NameTaken(string variant)
    {
        string name = UniqueName.Of("Taken");
        await _server.CreateUserAsync(name);
        string attempt = variant switch
        {
            "upper" => name.ToUpperInvariant(),
            "lower" => name.ToLowerInvariant(),
            _ => name,
        };
        using var web = WebUser.Anonymous(_server);

        var answer = await web.PostAsync("api/register", new { user = attempt, password = "another password" });

        answer.AssertProblem(409, "name-taken");
        Assert.Empty(answer.SetCookies);

        // The owner's password still works; the intruder's does not.
        (await web.PostAsync("api/session", new { user = name, password = "another password" })).AssertProblem(401, "auth-failed");
        using var owner = await WebUser.SignInAsync(_server, name);
    }

    [Fact]
    public async Task SignIn_RightPassword_200AndCookie()
    {
        var account = await _server.CreateUserAsync(UniqueName.Of("signer"));
        using var web = WebUser.Anonymous(_server);

        var answer = (await web.PostAsync("api/session", new { user = account.Name, password = Passwords.Default })).AssertStatus(200);

        Assert.Equal(account.Name, answer.Json.Str("user"));
        Assert.Contains(answer.SetCookies, c => c.StartsWith(WebUser.CookieName + "=", StringComparison.Ordinal));
        Assert.Equal(answer.Json.Str("csrf"), (await web.GetAsync("api/session")).AssertStatus(200).Json.Str("csrf"));
    }

    [Fact]
    public async Task SignIn_AdminAccount_ReportsAdmin()
    {
        var account = await _server.CreateUserAsync(UniqueName.Of("boss"), admin: true);
        using var web = await WebUser.SignInAsync(_server, account.Name);

        Assert.True((await web.GetAsync("api/session")).AssertStatus(200).Json.Bool("admin"));
    }

    [Fact]
    public async Task SignIn_WrongPasswordAndUnknownUser_SameAnswer401AuthFailed()
    {
        var account = await _server.CreateUserAsync(UniqueName.Of("victim"));
        using var web = WebUser.Anonymous(_server);

        var wrong = await web.PostAsync("api/session", new { user = account.Name, password = "not the password" });
        var unknown = await web.PostAsync("api/session", new { user = UniqueName.Of("ghost"), password = "not the password" });

        var a = wrong.AssertProblem(401, "auth-failed");
        var b = unknown.AssertProblem(401, "auth-failed");
        Assert.Equal(a.ToString(), b.ToString());
        Assert.Empty(wrong.SetCookies);
        Assert.Empty(unknown.SetCookies);
    }

    [Fact]
    public async Task SignIn_RepeatedFailuresForOneAccount_429TooManyAttempts_EvenWithRightPassword()
    {
        var account = await _server.CreateUserAsync(UniqueName.Of("guessed"));
        using var web = WebUser.Anonymous(_server);
        for (int i = 0; i < 3; i++)
        {
            (await web.PostAsync("api/session", new { user = account.Name, password = $"guess {i}" })).AssertProblem(401, "auth-failed");
        }

        var blocked = await web.PostAsync("api/session", new { user = account.Name, password = Passwords.Default });

        blocked.AssertProblem(429, "too-many-attempts");
        Assert.Empty(blocked.SetCookies);
        Assert.Null(web.SessionCookie);

        // Another account from the same address is not affected.
        var other = await _server.CreateUserAsync(UniqueName.Of("bystander"));
        (await web.PostAsync("api/session", new { user = other.Name, password = Passwords.Default })).AssertStatus(200);
    }

    [Fact]
    public async Task SignIn_Throttled_429CarriesRetryAfterHeader()
    {
        var account = await _server.CreateUserAsync(UniqueName.Of("guessed"));
        using var web = WebUser.Anonymous(_server);
        for (int i = 0; i < 3; i++)
        {
            (await web.PostAsync("api/session", new { user = account.Name, password = $"guess {i}" })).AssertProblem(401, "auth-failed");
        }

        var blocked = await web.PostAsync("api/session", new { user = account.Name, password = "guess again" });

        blocked.AssertProblem(429, "too-many-attempts");
        string? retryAfter = blocked.Header("Retry-After");
        Assert.True(retryAfter is not null, $"429 without a Retry-After header: {blocked}");
        Assert.True(int.TryParse(retryAfter, out int seconds) && seconds >= 1, $"Retry-After: {retryAfter}");
    }

    [Fact]
    public async Task SignIn_FailuresOverTheNativeDoor_ThrottleHttpSignIn()
    {
        var account = await _server.CreateUserAsync(UniqueName.Of("crossdoor"));
        await using var native = await RawConnection.ConnectAsync(_server);
        for (int i = 0; i < 3; i++)
        {
            var reply = await native.CommandAsync($"t{i} LOGIN {account.Name} \"wrong guess {i}\"");
            Assert.Contains("auth-failed", reply.Last(), StringComparison.Ordinal);
        }

        using var web = WebUser.Anonymous(_server);
        (await web.PostAsync("api/session", new { user = account.Name, password = Passwords.Default })).AssertProblem(429, "too-many-attempts");
    }

    [Fact]
    public async Task SignIn_Throttled_WaitingRetryAfterIsEnough()
    {
        // No free failures: the first one already blocks the account for 2 s.
        await using var server = await TestServer.StartAsync(o => o with { SignInFreeFailuresPerAccount = 0 }, cancellationToken: TestContext.Current.CancellationToken);
        var account = await server.CreateUserAsync(UniqueName.Of("patient"));
        using var web = WebUser.Anonymous(server);
        (await web.PostAsync("api/session", new { user = account.Name, password = "wrong guess" })).AssertProblem(401, "auth-failed");
        var blocked = await web.PostAsync("api/session", new { user = account.Name, password = Passwords.Default });
        blocked.AssertProblem(429, "too-many-attempts");
        string? retryAfter = blocked.Header("Retry-After");
        Assert.True(int.TryParse(retryAfter, out int seconds), $"Retry-After: {retryAfter ?? "(missing)"}");

        // A client that obeys Retry-After must not be refused again.
        await Task.Delay(TimeSpan.FromSeconds(seconds) + TimeSpan.FromMilliseconds(100), TestContext.Current.CancellationToken);
        (await web.PostAsync("api/session", new { user = account.Name, password = Passwords.Default })).AssertStatus(200);
    }

    [Fact]
    public async Task Token_WorksAsBearer_AndNeedsSignIn()
    {
        using var browser = await WebUser.NewAsync(_server, "scripter");
        using var anonymous = WebUser.Anonymous(_server);

        (await anonymous.PostAsync("api/tokens", new { label = "x" })).AssertProblem(401, "not-signed-in");
        using var script = await browser.NewScriptAsync("my script");

        var session = (await script.GetAsync("api/session")).AssertStatus(200).Json;
        Assert.Equal(browser.User, session.Str("user"));
        Assert.Empty((await script.GetAsync("api/session")).SetCookies);
    }

    [Fact]
    public async Task PasswordChangedByScript_AnswerCarriesTheNewTokenAndTheOldOneStops()
    {
        using var browser = await WebUser.NewAsync(_server, "pwscript");
        using var script = await browser.NewScriptAsync();
        const string NewPassword = "a brand new password";

        var answer = (await script.PostAsync("api/password", new { oldPassword = Passwords.Default, newPassword = NewPassword })).AssertStatus(200).Json;

        string token = answer.Str("token");
        Assert.StartsWith("crt_", token, StringComparison.Ordinal);
        (await script.GetAsync("api/session")).AssertProblem(401, "auth-failed");
        (await browser.GetAsync("api/session")).AssertProblem(401, "auth-failed");
        using var renewed = WebUser.WithToken(_server, browser.User, token);
        Assert.Equal(browser.User, (await renewed.GetAsync("api/session")).AssertStatus(200).Json.Str("user"));
        using var signIn = await WebUser.SignInAsync(_server, browser.User, NewPassword);
    }

    [Fact]
    public async Task PasswordChangedByBrowser_AnswerHasNoTokenAndTheBrowserStaysSignedIn()
    {
        using var browser = await WebUser.NewAsync(_server, "pwbrowser");

        var answer = (await browser.PostAsync("api/password", new { oldPassword = Passwords.Default, newPassword = "another new password" })).AssertStatus(200).Json;

        Assert.False(answer.TryGetProperty("token", out _), "a browser's token belongs in its HttpOnly cookie, never in script-readable JSON");
        Assert.Equal(browser.User, (await browser.GetAsync("api/session")).AssertStatus(200).Json.Str("user"));
    }
}
