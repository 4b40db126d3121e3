namespace Carteiro.Benchmarks.BigStore;

/// <summary>
/// Counts the servers a run stopped and how many of them did not exit cleanly on SIGTERM: a
/// server that crashes on its way out is a finding even when every answer was right.
/// </summary>
internal sealed class StopTally
{
    private readonly List<StoreServer> _servers = [];

    public int Stops => _servers.Count(s => s.ExitCode is not null);

    public int Unclean => _servers.Count(s => s.ExitCode is not (null or 0));

    public StoreServer Watch(StoreServer server)
    {
        _servers.Add(server);
        return server;
    }
}
