using Carteiro.Client;

namespace Carteiro.Chat.ViewModels;

/// <summary>The sign-in / register form: what was typed, what the server said.</summary>
internal sealed class SignInViewModel(CarteiroClient client)
{
    public const int MinimumPasswordLength = 8;

    public string User { get; set; } = "";

    public string Password { get; set; } = "";

    public string? Error { get; set; }

    public bool RegistrationOpen => client.Hello.Registration;

    public SessionInfo? Session { get; private set; }

    /// <summary>Signs in, or registers when <paramref name="register"/>; true on success.</summary>
    public async Task<bool> SubmitAsync(bool register, CancellationToken cancellationToken = default)
    {
        string user = User.Trim();
        if (user.Length == 0)
        {
            Error = "type your user name";
            return false;
        }

        if (Password.Length == 0)
        {
            Error = "type your password";
            return false;
        }

        if (register && Password.Length < MinimumPasswordLength)
        {
            Error = $"a password needs at least {MinimumPasswordLength} characters";
            return false;
        }

        try
        {
            Session = register
                ? await client.RegisterAsync(user, Password, cancellationToken)
                : await client.LoginAsync(user, Password, cancellationToken);
            Error = null;
            return true;
        }
        catch (CarteiroCommandException refused)
        {
            Error = refused.Code switch
            {
                "auth-failed" => "wrong user name or password",
                "name-taken" => $"the name {user} is taken",
                "registration-closed" => "this server does not allow registration",
                _ => refused.Message,
            };
            return false;
        }
        catch (CarteiroConnectionException lost)
        {
            Error = lost.Message;
            return false;
        }
    }
}
