using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;

namespace Carteiro.Hosting;

/// <summary>
/// Stands in for Kestrel when no door runs on it (only the native door, which has its own
/// transport): Kestrel without listeners would bind its default, localhost:5000.
/// </summary>
internal sealed class NoKestrelDoors : IServer
{
    public IFeatureCollection Features { get; } = new FeatureCollection();

    public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
        where TContext : notnull => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
    }
}
