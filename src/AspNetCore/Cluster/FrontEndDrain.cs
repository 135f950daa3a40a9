using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Orleans.Sente.AspNetCore;

/// <summary>
/// Closes every socket (1012, "server restarting: reconnect") as soon as the host starts
/// stopping. Kestrel's own stop waits for open connections to end, up to the shutdown timeout
/// (30 s), and runs before the front end's hosted services stop; without this, a front end sent
/// SIGTERM would hold its clients for that long instead of sending them elsewhere at once.
/// </summary>
internal sealed class FrontEndDrain(IHostApplicationLifetime lifetime, IServiceProvider services) : IHostedService
{
    private CancellationTokenRegistration _stopping;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _stopping = lifetime.ApplicationStopping.Register(CloseAll);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping.Dispose();
        return Task.CompletedTask;
    }

    private void CloseAll()
    {
        services.GetService<FrontEndConnections>()?.CloseAll(SenteCloseReason.ServerStopping);
    }
}
