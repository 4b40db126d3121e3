using Microsoft.Extensions.Hosting;

namespace Carteiro.Hosting;

/// <summary>A host lifetime that installs no signal handlers: whoever runs the server stops it.</summary>
internal sealed class QuietLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
