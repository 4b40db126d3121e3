using System.Text.Json;
using System.Text.Json.Serialization;

namespace Carteiro.Cli.Client;

/// <summary>
/// The login saved by <c>carteiro login</c>: server, user and a revocable token — never the
/// password — in <c>$XDG_CONFIG_HOME/carteiro/login.json</c> (or <c>~/.config</c>), mode 0600.
/// </summary>
internal sealed record SavedLogin(string Server, string User, string Token)
{
    public static string FilePath
    {
        get
        {
            string? xdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
            string root = !string.IsNullOrEmpty(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
            return Path.Combine(root, "carteiro", "login.json");
        }
    }

    public static SavedLogin? Load()
    {
        try
        {
            return File.Exists(FilePath) ? JsonSerializer.Deserialize(File.ReadAllText(FilePath), SavedLoginJson.Default.SavedLogin) : null;
        }
        catch (Exception error) when (error is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public void Save()
    {
        string folder = Path.GetDirectoryName(FilePath)!;
        Directory.CreateDirectory(folder);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

            // Created with 0600 before anything is written, so the token is never readable by others.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(FilePath, options))
        {
            JsonSerializer.Serialize(stream, this, SavedLoginJson.Default.SavedLogin);
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(FilePath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    public static void Delete()
    {
        if (File.Exists(FilePath))
        {
            File.Delete(FilePath);
        }
    }
}

[JsonSerializable(typeof(SavedLogin))]
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class SavedLoginJson : JsonSerializerContext;
