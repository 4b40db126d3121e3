using System.Globalization;

namespace Carteiro.Hosting;

/// <summary>
/// The server's data folder: the SQLite database and a lock file that only one running server
/// can hold, so two servers never share one store.
/// </summary>
public sealed class DataFolder : IDisposable
{
    private const string LockFileName = "carteiro.lock";
    private const string DatabaseFileName = "carteiro.db";
    private FileStream? _lock;

    private DataFolder(string path) => Path = path;

    /// <summary>The folder.</summary>
    public string Path { get; }

    /// <summary>The SQLite database file.</summary>
    public string DatabasePath => System.IO.Path.Combine(Path, DatabaseFileName);

    /// <summary>The default: <c>$CARTEIRO_DATA</c>, else <c>$XDG_DATA_HOME/carteiro</c>, else <c>~/.local/share/carteiro</c>.</summary>
    public static string DefaultPath
    {
        get
        {
            string? configured = Environment.GetEnvironmentVariable("CARTEIRO_DATA");
            if (!string.IsNullOrEmpty(configured))
            {
                return configured;
            }

            string? xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
            string root = !string.IsNullOrEmpty(xdg) ? xdg : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
            return System.IO.Path.Combine(root, "carteiro");
        }
    }

    /// <summary>Opens (creating if needed) a data folder without locking it, for operator commands.</summary>
    public static DataFolder Open(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(full);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(full, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return new DataFolder(full);
    }

    /// <summary>
    /// Opens the folder for a server and takes its lock; throws <see cref="DataFolderInUseException"/>
    /// when another server holds it.
    /// </summary>
    public static DataFolder OpenExclusive(string path)
    {
        var folder = Open(path);
        string lockPath = System.IO.Path.Combine(folder.Path, LockFileName);
        try
        {
            // FileShare.None is an exclusive advisory lock (flock) on Unix; the OS drops it when the process dies.
            folder._lock = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            string holder = "";
            try
            {
                holder = File.ReadAllText(lockPath).Trim();
            }
            catch (IOException)
            {
            }

            throw new DataFolderInUseException(folder.Path, holder);
        }

        folder._lock.SetLength(0);
        using (var writer = new StreamWriter(folder._lock, leaveOpen: true))
        {
            writer.Write(Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        }

        folder._lock.Flush(flushToDisk: true);
        return folder;
    }

    /// <summary>Releases the lock.</summary>
    public void Dispose()
    {
        _lock?.Dispose();
        _lock = null;
    }
}

/// <summary>Another server already runs on this data folder.</summary>
public sealed class DataFolderInUseException(string path, string holder)
    : Exception($"another carteiro server is already using the data folder {path}{(holder.Length > 0 ? $" (process {holder})" : "")}; stop it or choose another --data folder")
{
    /// <summary>The folder.</summary>
    public string FolderPath { get; } = path;
}
