using Carteiro.Core.Accounts;
using Carteiro.Core.Errors;
using Carteiro.Wire;

namespace Carteiro.Protocols.Native;

internal sealed partial class NativeSession
{
    private string Address => _remote?.Address.ToString() ?? "?";

    private void EnsureSignedOut()
    {
        if (_account is not null)
        {
            Refuse.With(ErrorCode.AlreadySignedIn, $"already signed in as {_account.Name}");
        }
    }

    private async Task LoginAsync(Command command)
    {
        EnsureSignedOut();
        var args = new NativeArguments(command);
        string user = args.Text("user name");
        string password = args.Text("password");
        args.End();
        Account account;
        try
        {
            account = await _services.Accounts.SignInAsync(user, password, Address, _closing.Token).ConfigureAwait(false);
        }
        catch (CarteiroException refusal)
        {
            _services.Logger.SignInFailed(user.Length > 64 ? user[..64] : user, _remote, refusal.Code.ToWire());
            throw;
        }

        await SignedInAsync(command.Tag, account).ConfigureAwait(false);
    }

    private async Task RegisterAsync(Command command)
    {
        EnsureSignedOut();
        var args = new NativeArguments(command);
        string user = args.Text("user name");
        string password = args.Text("password");
        args.End();
        var account = await _services.Accounts.RegisterAsync(user, password, _closing.Token).ConfigureAwait(false);
        await SignedInAsync(command.Tag, account).ConfigureAwait(false);
    }

    private async Task AuthAsync(Command command)
    {
        EnsureSignedOut();
        var args = new NativeArguments(command);
        string token = args.Text("token");
        args.End();
        Account account;
        try
        {
            account = await _services.Accounts.SignInWithTokenAsync(token, Address, _closing.Token).ConfigureAwait(false);
        }
        catch (CarteiroException refusal)
        {
            _services.Logger.SignInFailed("(token)", _remote, refusal.Code.ToWire());
            throw;
        }

        _signedInToken = token;
        await SignedInAsync(command.Tag, account).ConfigureAwait(false);
    }

    private async Task SignedInAsync(string tag, Account account)
    {
        _account = account;
        _services.Logger.SignedIn(account.Name, _remote);
        using (await LockAsync().ConfigureAwait(false))
        {
            var json = BeginOk(tag);
            json.WriteStartObject();
            json.WriteString("user"u8, account.Name);
            json.WriteBoolean("admin"u8, account.IsAdmin);
            json.WriteEndObject();
            EndJsonLine();
        }

        // Join after the reply is queued, so our own presence event cannot precede it.
        _services.Hub.Join(this);
    }

    private async Task TokenAsync(Command command)
    {
        var account = Account;
        var args = new NativeArguments(command);
        var action = args.Next("CREATE or REVOKE");
        if (action.Is("CREATE"))
        {
            string label = args.OptionalText() ?? "";
            args.End();
            string token = await _services.Accounts.CreateTokenAsync(account, label, _closing.Token).ConfigureAwait(false);
            using (await LockAsync().ConfigureAwait(false))
            {
                var json = BeginOk(command.Tag);
                json.WriteStartObject();
                json.WriteString("token"u8, token);
                json.WriteEndObject();
                EndJsonLine();
            }

            return;
        }

        if (action.Is("REVOKE"))
        {
            string? token = args.OptionalText() ?? _signedInToken;
            args.End();
            if (token is null || !await _services.Accounts.RevokeTokenAsync(token, _closing.Token).ConfigureAwait(false))
            {
                Refuse.With(ErrorCode.AuthFailed, "no such token");
            }

            await NoopAsync(command).ConfigureAwait(false);
            return;
        }

        args.Unexpected(action);
    }

    private async Task PasswdAsync(Command command)
    {
        var account = Account;
        var args = new NativeArguments(command);
        string oldPassword = args.Text("old password");
        string newPassword = args.Text("new password");
        args.End();
        await _services.Accounts.ChangePasswordAsync(account, oldPassword, newPassword, Address, _closing.Token).ConfigureAwait(false);
        _signedInToken = null;
        await NoopAsync(command).ConfigureAwait(false);
    }

    private async Task LogoutAsync(Command command)
    {
        new NativeArguments(command).End();
        if (_account is not null)
        {
            // Offline at once, before the goodbye is even written.
            _services.Hub.Leave(this);
        }

        using (await LockAsync().ConfigureAwait(false))
        {
            WriteBye("logout", "goodbye");
            WriteOk(command.Tag);
        }

        await FlushAsync(_closing.Token).ConfigureAwait(false);
        _closeReason = "logout";
    }
}
