using System.Runtime.InteropServices;
using Carteiro.Chat.Session;
using Carteiro.Chat.ViewModels;
using Carteiro.Chat.Views;
using Carteiro.Client;
using Terminal.Gui.App;

namespace Carteiro.Chat;

/// <summary>
/// <c>carteiro chat</c>: the full-screen terminal client. Connects (the client library reconnects
/// with back-off by itself), signs in with what it was given or shows the sign-in form, then runs
/// the main screen until the user quits, and says LOGOUT so others see them offline at once.
/// </summary>
public static class ChatApp
{
    /// <summary>Runs the client; returns the process exit code.</summary>
    /// <exception cref="CarteiroConnectionException">The server cannot be reached.</exception>
    public static async Task<int> RunAsync(ChatOptions options, CancellationToken cancellationToken)
    {
        string server = $"{options.Host}:{options.Port}";
        var client = await CarteiroClient.ConnectAsync(options.Host, options.Port, new CarteiroClientOptions { Reconnect = true }, cancellationToken);
        await using (client)
        {
            string? refused = await TrySignInAsync(client, options, cancellationToken);
            bool quit = RunUi(client, options, server, refused, cancellationToken);
            if (client.Session is not null && (quit || cancellationToken.IsCancellationRequested))
            {
                await SayGoodbyeAsync(client);
            }
        }

        return 0;
    }

    // Signs in with the password or the saved token; returns why the server refused, if it did.
    private static async Task<string?> TrySignInAsync(CarteiroClient client, ChatOptions options, CancellationToken cancellationToken)
    {
        try
        {
            if (options.User is { Length: > 0 } user && options.Password is { Length: > 0 } password)
            {
                await client.LoginAsync(user, password, cancellationToken);
            }
            else if (options.Token is { Length: > 0 } token)
            {
                await client.AuthAsync(token, cancellationToken);
            }

            return null;
        }
        catch (CarteiroCommandException error)
        {
            return error.Code == "auth-failed" ? "sign-in refused: wrong user name, password or saved login" : error.Message;
        }
    }

    // Terminal.Gui runs its loop on this thread until the last window closes; returns true when the user quit.
    private static bool RunUi(CarteiroClient client, ChatOptions options, string server, string? refused, CancellationToken cancellationToken)
    {
        using IApplication app = Application.Create().Init();
        Theme.Apply();
        using var stop = cancellationToken.Register(() => app.Invoke(() => app.RequestStop()));

        // SIGTERM (kill) quits as gracefully as q does; closing the terminal (SIGHUP) ends the process
        // and with it the connection, which the server sees as going offline at once.
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
        {
            signal.Cancel = true;
            app.Invoke(() => app.RequestStop());
        });

        if (client.Session is null)
        {
            var signIn = new SignInViewModel(client) { User = options.User ?? "", Error = refused };
            if (!SignInWindow.Show(app, signIn, server))
            {
                return false;
            }
        }

        var mailbox = new MailboxViewModel(client, server);
        using var window = new MainWindow(app, mailbox);
        using var pump = new CancellationTokenSource();

        // Started from inside the loop, so async work resumes on the UI thread (Terminal.Gui's
        // synchronization context) and events are posted there.
        app.AddTimeout(TimeSpan.Zero, () =>
        {
            var ui = SynchronizationContext.Current ?? throw new InvalidOperationException("no UI synchronization context");
            _ = EventPump.RunAsync(client, ui, mailbox, pump.Token);
            window.Start();
            return false;
        });
        app.Run(window);
        pump.Cancel();
        return true;
    }

    private static async Task SayGoodbyeAsync(CarteiroClient client)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        try
        {
            await client.LogoutAsync(deadline.Token);
        }
        catch (Exception error) when (error is CarteiroConnectionException or CarteiroCommandException or OperationCanceledException or ObjectDisposedException)
        {
            // The connection is gone already; closing it is all that is left.
        }
    }
}
