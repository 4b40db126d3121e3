using Carteiro.Chat.ViewModels;
using Terminal.Gui.App;
using Terminal.Gui.Drawing;
using Terminal.Gui.Input;
using Terminal.Gui.ViewBase;
using Terminal.Gui.Views;

namespace Carteiro.Chat.Views;

/// <summary>
/// Shown when no credentials were given (or they were refused): user name and password, then
/// Enter to sign in or F2 to register. Esc quits.
/// </summary>
internal sealed class SignInWindow : Window
{
    private readonly IApplication _app;
    private readonly SignInViewModel _vm;
    private readonly TextField _user;
    private readonly TextField _password;
    private readonly Label _error;
    private bool _busy;

    private SignInWindow(IApplication app, SignInViewModel vm, string server)
    {
        _app = app;
        _vm = vm;
        Title = "carteiro";
        BorderStyle = LineStyle.None;

        var form = new FrameView { Title = "Sign in", X = Pos.Center(), Y = Pos.Center(), Width = 56, Height = 12 };
        var where = new Label { X = 1, Y = 0, Text = $"Server: {server}" };
        var userLabel = new Label { X = 1, Y = 2, Width = 10, Text = "User:" };
        _user = new TextField { X = 11, Y = 2, Width = Dim.Fill(2), Text = vm.User };
        var passwordLabel = new Label { X = 1, Y = 4, Width = 10, Text = "Password:" };
        _password = new TextField { X = 11, Y = 4, Width = Dim.Fill(2), Secret = true };
        _error = new Label { X = 1, Y = 6, Width = Dim.Fill(1), Height = 2, Text = vm.Error ?? "" };
        var signIn = new Button { X = 1, Y = 8, Text = "Sign in", IsDefault = true, ShadowStyle = ShadowStyles.None };
        var register = new Button { X = Pos.Right(signIn) + 1, Y = 8, Text = "Register", Enabled = vm.RegistrationOpen, ShadowStyle = ShadowStyles.None };
        var quit = new Button { X = Pos.Right(register) + 1, Y = 8, Text = "Quit", ShadowStyle = ShadowStyles.None };
        form.Add(where, userLabel, _user, passwordLabel, _password, _error, signIn, register, quit);
        var help = new Label
        {
            X = Pos.Center(),
            Y = Pos.AnchorEnd(1),
            Text = vm.RegistrationOpen ? "Enter: sign in   F2: register a new account   Esc: quit" : "Enter: sign in   Esc: quit",
        };
        Add(form, help);

        signIn.Accepting += (_, e) =>
        {
            e.Handled = true;
            Submit(register: false);
        };
        register.Accepting += (_, e) =>
        {
            e.Handled = true;
            Submit(register: true);
        };
        quit.Accepting += (_, e) =>
        {
            e.Handled = true;
            RequestStop();
        };
        _app.Keyboard.KeyDown += OnKeyDown;
        (vm.User.Length == 0 ? _user : _password).SetFocus();
    }

    /// <summary>Runs the form; true once signed in, false when the user quit.</summary>
    public static bool Show(IApplication app, SignInViewModel vm, string server)
    {
        using var window = new SignInWindow(app, vm, server);
        app.Run(window);
        return vm.Session is not null;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _app.Keyboard.KeyDown -= OnKeyDown;
        }

        base.Dispose(disposing);
    }

    private void OnKeyDown(object? sender, Key key)
    {
        if (_app.TopRunnableView != this)
        {
            return;
        }

        if (key == Key.Enter && _user.HasFocus && _password.Text.Length == 0)
        {
            key.Handled = true;
            _password.SetFocus();
        }
        else if (key == Key.Enter)
        {
            key.Handled = true;
            Submit(register: false);
        }
        else if (key == Key.F2 && _vm.RegistrationOpen)
        {
            key.Handled = true;
            Submit(register: true);
        }
        else if (key == Key.Esc)
        {
            key.Handled = true;
            RequestStop();
        }
    }

    private async void Submit(bool register)
    {
        if (_busy)
        {
            return;
        }

        _busy = true;
        _vm.User = _user.Text;
        _vm.Password = _password.Text;
        _error.Text = register ? "registering…" : "signing in…";
        try
        {
            if (await _vm.SubmitAsync(register))
            {
                RequestStop();
                return;
            }

            _error.Text = _vm.Error ?? "";
            _password.SetFocus();
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            // An async void handler must not throw: that would end the process.
            _error.Text = error.Message;
        }
        finally
        {
            _busy = false;
        }
    }
}
