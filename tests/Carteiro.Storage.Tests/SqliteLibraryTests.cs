using System.Runtime.CompilerServices;
using Carteiro.Storage.Sqlite;

namespace Carteiro.Storage.Tests;

public sealed class SqliteLibraryTests
{
    // The server sets SQLite up before anything opens a connection; so do these tests, or a test
    // that opens one directly could run first and leave the library in its default mode.
    [ModuleInitializer]
    internal static void ConfigureBeforeAnyConnection() => SqliteLibrary.EnsureConfigured();

    [Fact]
    public void TheBundledSqlite_AcceptsMultiThreadModeWithoutMemoryStatistics()
    {
        // Fails should a new SQLitePCL or SQLite initialise the library before the store can set
        // it up (sqlite3_config then answers SQLITE_MISUSE), or drop either setting.
        Assert.True(SqliteLibrary.Configured);
    }
}
