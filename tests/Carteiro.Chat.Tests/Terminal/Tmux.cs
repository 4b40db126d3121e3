using System.Diagnostics;
using System.Text;

namespace Carteiro.Chat.Tests.Terminal;

/// <summary>
/// A program running in a real terminal: a tmux session of a given size on a tmux server of its
/// own (a private socket, no user configuration). Tests type with send-keys and read the screen
/// with capture-pane, as a person would.
/// </summary>
internal sealed class Tmux : IAsyncDisposable
{
    // Generous: CI runs every test project at once on two cores, and this only bounds a failure.
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private const string Session = "chat";
    // A socket path of our own (not a name under tmux's folder) so it can be removed afterwards.
    private readonly string _socket = Path.Combine(Path.GetTempPath(), $"carteiro-tmux-{Guid.NewGuid():N}");

    private Tmux()
    {
    }

    /// <summary>
    /// Starts <paramref name="command"/> in a <paramref name="width"/>×<paramref name="height"/>
    /// terminal with exactly the variables in <paramref name="environment"/> changed. When the
    /// program ends the pane shows "[exited N]" and stays, so its last screen can be read.
    /// </summary>
    public static async Task<Tmux> StartAsync(IReadOnlyList<string> command, IDictionary<string, string?> environment, int width = 80, int height = 24)
    {
        // env takes its -u options before any NAME=VALUE.
        var line = new StringBuilder("env");
        foreach (var (name, _) in environment.Where(e => e.Value is null))
        {
            line.Append(" -u ").Append(name);
        }

        foreach (var (name, value) in environment.Where(e => e.Value is not null))
        {
            line.Append(' ').Append(name).Append('=').Append(Quote(value!));
        }

        foreach (string part in command)
        {
            line.Append(' ').Append(Quote(part));
        }

        line.Append("; echo \"[exited $?]\"; sleep 600");
        var tmux = new Tmux();
        await tmux.RunAsync("-f", "/dev/null", "new-session", "-d", "-s", Session, "-x", width.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-y", height.ToString(System.Globalization.CultureInfo.InvariantCulture), line.ToString());
        return tmux;
    }

    /// <summary>Presses keys in tmux's names ("Enter", "Tab", "C-s", "Escape") or types words.</summary>
    public Task KeysAsync(params string[] keys) => RunAsync(["send-keys", "-t", Session, .. keys]);

    /// <summary>Types <paramref name="text"/> literally.</summary>
    public Task TypeAsync(string text) => RunAsync("send-keys", "-t", Session, "-l", text);

    /// <summary>The screen as text, or with its escape sequences (colours, styles) when asked.</summary>
    public Task<string> ScreenAsync(bool escapes = false) =>
        escapes ? RunAsync("capture-pane", "-p", "-e", "-t", Session) : RunAsync("capture-pane", "-p", "-t", Session);

    /// <summary>Polls the screen until <paramref name="ready"/> holds; fails with the last screen after <see cref="Patience"/>.</summary>
    public async Task<string> WaitForAsync(Func<string, bool> ready, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        string screen;
        while (!ready(screen = await ScreenAsync()))
        {
            if (DateTime.UtcNow > deadline || screen.Contains("[exited ", StringComparison.Ordinal))
            {
                throw new TimeoutException($"gave up waiting for {what}; the screen was:\n{screen}");
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        return screen;
    }

    public Task<string> WaitForTextAsync(string text) => WaitForAsync(s => s.Contains(text, StringComparison.Ordinal), $"'{text}'");

    public Task ResizeAsync(int width, int height) => RunAsync("resize-window", "-t", Session,
        "-x", width.ToString(System.Globalization.CultureInfo.InvariantCulture), "-y", height.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Closes the terminal: the program gets SIGHUP, as when a terminal window is closed.</summary>
    public Task CloseAsync() => RunAsync("kill-session", "-t", Session);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunAsync("kill-server");
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        File.Delete(_socket);
    }

    private Task<string> RunAsync(params string[] arguments) => RunAsync((IEnumerable<string>)arguments);

    private async Task<string> RunAsync(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("tmux")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-S");
        start.ArgumentList.Add(_socket);
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot run tmux (is it installed?)");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"tmux {string.Join(' ', arguments)}: {await error}");
        }

        return await output;
    }

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
