using SQLitePCL;

namespace Carteiro.Storage.Sqlite;

/// <summary>
/// Process-wide settings of the SQLite library, made once before the first connection opens.
/// </summary>
/// <remarks>
/// The bundled SQLite is built "serialized": every call on a connection takes that connection's
/// mutex, and with memory statistics on every allocation takes a global one. The store never
/// shares a connection between threads at once (the writer's is its thread's own, readers are
/// rented one at a time), so both only cost: on the send path they were an eighth of the writer
/// thread's time. Multi-thread mode drops the connection mutexes; without statistics,
/// allocations take no lock. Where another part of the process opened SQLite first the library
/// is already set up and keeps its settings, which stays correct, only slower.
/// </remarks>
internal static class SqliteLibrary
{
    private static readonly Lazy<bool> s_configured = new(Configure);

    /// <summary>True when the settings above took effect.</summary>
    public static bool Configured => s_configured.Value;

    /// <summary>Applies the settings, once.</summary>
    public static void EnsureConfigured() => _ = s_configured.Value;

    private static bool Configure()
    {
        Batteries_V2.Init();
        // sqlite3_config is refused (SQLITE_MISUSE) once the library is initialised.
        return raw.sqlite3_config(raw.SQLITE_CONFIG_MULTITHREAD) == raw.SQLITE_OK
            & raw.sqlite3_config(raw.SQLITE_CONFIG_MEMSTATUS, 0) == raw.SQLITE_OK
            & raw.sqlite3_initialize() == raw.SQLITE_OK;
    }
}
