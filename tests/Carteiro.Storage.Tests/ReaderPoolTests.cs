using Carteiro.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Carteiro.Storage.Tests;

/// <summary>
/// Lookups read without a memory map (SQLite drops and rebuilds a map after every commit), bulk
/// document reads with one; a connection goes back to the kind it was rented as.
/// </summary>
public sealed class ReaderPoolTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"carteiro-readers-{Guid.NewGuid():N}.db");
    private readonly ReaderPool _pool;

    public ReaderPoolTests()
    {
        using (var create = new SqliteConnection($"Data Source={_path}"))
        {
            create.Open();
            using var command = create.CreateCommand();
            command.CommandText = "PRAGMA journal_mode = WAL; CREATE TABLE t (x)";
            command.ExecuteNonQuery();
        }

        _pool = new ReaderPool(new SqliteConnectionStringBuilder { DataSource = _path, Pooling = false }.ToString());
    }

    public void Dispose()
    {
        _pool.Dispose();
        File.Delete(_path);
    }

    [Fact]
    public void LookupsHaveNoMemoryMap_AndBulkReadsHaveOne()
    {
        var lookup = _pool.Rent();
        var bulk = _pool.Rent(mapped: true);

        Assert.Equal(0L, MapSize(lookup));
        Assert.True(MapSize(bulk) > 0);
        _pool.Return(lookup);
        _pool.Return(bulk);
    }

    [Fact]
    public void AReturnedConnection_IsRentedAgainOnlyAsItsOwnKind()
    {
        var bulk = _pool.Rent(mapped: true);
        _pool.Return(bulk);

        var lookup = _pool.Rent();
        Assert.NotSame(bulk, lookup);
        Assert.Equal(0L, MapSize(lookup));
        Assert.Same(bulk, _pool.Rent(mapped: true));
        _pool.Return(lookup);
        _pool.Return(bulk);
    }

    private static long MapSize(Reader reader) => (long)reader.Command("PRAGMA mmap_size").ExecuteScalar()!;
}
