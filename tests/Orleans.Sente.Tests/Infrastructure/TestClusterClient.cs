using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Orleans.Sente.Tests.Infrastructure;

/// <summary>A plain Orleans client, as a service with no sockets of its own would hold.</summary>
internal sealed class TestClusterClient(IHost host) : IAsyncDisposable
{
    public IGrainFactory Grains => host.Services.GetRequiredService<IClusterClient>();

    public static async Task<TestClusterClient> StartAsync(IEnumerable<TestSilo> silos)
    {
        var host = new HostBuilder()
            .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .UseOrleansClient(c => c.UseStaticClustering([.. silos.Select(s => new IPEndPoint(IPAddress.Loopback, s.GatewayPort))]))
            .Build();
        await host.StartAsync().WaitAsync(TestTimeouts.Start);
        return new TestClusterClient(host);
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync(TimeSpan.FromSeconds(10));
        host.Dispose();
    }
}
