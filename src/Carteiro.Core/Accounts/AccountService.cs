using Carteiro.Core.Errors;
using Carteiro.Core.Storage;

namespace Carteiro.Core.Accounts;

/// <summary>
/// Registration, sign-in and credentials, for every door. Password hashing is deliberately slow,
/// so at most one hash per core runs at once: a sign-in flood queues instead of starving the
/// server.
/// </summary>
public sealed class AccountService : IDisposable
{
    private const int MaxPasswordLength = 1024;

    private readonly IMailStore _store;
    private readonly CarteiroOptions _options;
    private readonly SignInThrottle _throttle;
    private readonly SemaphoreSlim _hashing = new(Environment.ProcessorCount, Environment.ProcessorCount);
    private readonly Lazy<string> _decoyHash;

    /// <summary>Creates the service.</summary>
    public AccountService(IMailStore store, CarteiroOptions options, SignInThrottle throttle)
    {
        _store = store;
        _options = options;
        _throttle = throttle;
        _decoyHash = new Lazy<string>(() => PasswordHasher.Hash(Guid.NewGuid().ToString(), options.PasswordIterations));
    }

    /// <summary>Self-registration, when the server allows it.</summary>
    public Task<Account> RegisterAsync(string name, string password, CancellationToken cancellationToken)
    {
        if (!_options.RegistrationOpen)
        {
            Refuse.With(ErrorCode.RegistrationClosed, "this server does not allow self-registration; ask an operator for an account");
        }

        return CreateAsync(name, password, isAdmin: false, cancellationToken);
    }

    /// <summary>Creates an account (operators use this directly).</summary>
    public async Task<Account> CreateAsync(string name, string password, bool isAdmin, CancellationToken cancellationToken)
    {
        UserName.EnsureRegistrable(name);
        EnsurePasswordAcceptable(password);
        string hash = await HashAsync(password, cancellationToken).ConfigureAwait(false);
        return await _store.CreateAccountAsync(name, hash, isAdmin, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Checks a password. Failures are throttled per address and per account.</summary>
    public async Task<Account> SignInAsync(string name, string password, string address, CancellationToken cancellationToken)
    {
        EnsureNotThrottled(address, name);
        var credentials = UserName.IsWellFormed(name) ? await _store.FindCredentialsAsync(name, cancellationToken).ConfigureAwait(false) : null;

        // Spend the same effort for unknown names, so timing does not reveal which names exist.
        bool valid = await VerifyAsync(password, credentials?.PasswordHash ?? _decoyHash.Value, cancellationToken).ConfigureAwait(false);
        if (credentials is null || !valid)
        {
            _throttle.Failed(address, name);
            Refuse.With(ErrorCode.AuthFailed, "wrong user name or password");
        }

        _throttle.Succeeded(name);
        return credentials.Account;
    }

    /// <summary>Signs in with a saved-login token.</summary>
    public async Task<Account> SignInWithTokenAsync(string token, string address, CancellationToken cancellationToken)
    {
        EnsureNotThrottled(address, "");
        var account = AccessToken.LooksValid(token) ? await _store.FindTokenAsync(AccessToken.Digest(token), cancellationToken).ConfigureAwait(false) : null;
        if (account is null)
        {
            _throttle.Failed(address, "");
            Refuse.With(ErrorCode.AuthFailed, "the login token is not valid (revoked, or the password was changed): sign in again");
        }

        return account;
    }

    /// <summary>Makes a new saved-login token for <paramref name="account"/>.</summary>
    public async Task<string> CreateTokenAsync(Account account, string label, CancellationToken cancellationToken)
    {
        string token = AccessToken.Create();
        await _store.AddTokenAsync(account.Id, AccessToken.Digest(token), label.Length > 200 ? label[..200] : label, cancellationToken).ConfigureAwait(false);
        return token;
    }

    /// <summary>Revokes a token; true when it existed.</summary>
    public Task<bool> RevokeTokenAsync(string token, CancellationToken cancellationToken) =>
        AccessToken.LooksValid(token) ? _store.RemoveTokenAsync(AccessToken.Digest(token), cancellationToken) : Task.FromResult(false);

    /// <summary>Changes a password after checking the old one; revokes the account's tokens.</summary>
    public async Task ChangePasswordAsync(Account account, string oldPassword, string newPassword, string address, CancellationToken cancellationToken)
    {
        await SignInAsync(account.Name, oldPassword, address, cancellationToken).ConfigureAwait(false);
        await SetPasswordAsync(account, newPassword, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sets a password without the old one (operators).</summary>
    public async Task SetPasswordAsync(Account account, string newPassword, CancellationToken cancellationToken)
    {
        EnsurePasswordAcceptable(newPassword);
        string hash = await HashAsync(newPassword, cancellationToken).ConfigureAwait(false);
        if (!await _store.SetPasswordAsync(account.Id, hash, cancellationToken).ConfigureAwait(false))
        {
            Refuse.With(ErrorCode.NoSuchUser, $"no user named '{account.Name}'");
        }
    }

    private void EnsureNotThrottled(string address, string name)
    {
        var wait = _throttle.RetryAfter(address, name);
        if (wait > TimeSpan.Zero)
        {
            throw new CarteiroException(ErrorCode.Throttled, $"too many failed sign-ins; try again in {Math.Ceiling(wait.TotalSeconds)} s")
            {
                RetryAfter = wait,
            };
        }
    }

    private void EnsurePasswordAcceptable(string password)
    {
        if (password.Length < _options.MinPasswordLength || password.Length > MaxPasswordLength)
        {
            Refuse.With(ErrorCode.InvalidPassword, $"a password has {_options.MinPasswordLength} to {MaxPasswordLength} characters");
        }
    }

    private async Task<string> HashAsync(string password, CancellationToken cancellationToken)
    {
        await _hashing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return PasswordHasher.Hash(password, _options.PasswordIterations);
        }
        finally
        {
            _hashing.Release();
        }
    }

    /// <summary>Releases the hashing gate.</summary>
    public void Dispose() => _hashing.Dispose();

    private async Task<bool> VerifyAsync(string password, string hash, CancellationToken cancellationToken)
    {
        await _hashing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return PasswordHasher.Verify(password, hash);
        }
        finally
        {
            _hashing.Release();
        }
    }
}
