using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Hosting;
using Orleans.Sente.Grains;

namespace Orleans.Sente.Tests.Infrastructure;

/// <summary>A real silo on loopback TCP with free ports, hosting Orleans.Sente's grains.</summary>
internal sealed class TestSilo : IAsyncDisposable
{
    private TestSilo(IHost host, int siloPort, int gatewayPort)
    {
        Host = host;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
    }

    public IHost Host { get; }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    public IGrainFactory Grains => Host.Services.GetRequiredService<IGrainFactory>();

    public string Address => SiloAddress.ToString();

    public SiloAddress SiloAddress => Host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;

    public static async Task<TestSilo> StartAsync(TestSilo? primary, Action<SenteGrainOptions>? configure = null, Action<ISiloBuilder>? configureSilo = null)
    {
        var siloPort = FreePort.Next();
        var gatewayPort = FreePort.Next();
        var host = new HostBuilder()
            .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .UseOrleans(silo => silo
                .UseLocalhostClustering(siloPort, gatewayPort, primary is null ? null : new IPEndPoint(IPAddress.Loopback, primary.SiloPort))
                .AddMemoryGrainStorageAsDefault()
                .AddSenteGrains(configure)
                .Configure(configureSilo))
            .Build();
        await host.StartAsync().WaitAsync(TestTimeouts.Start);
        return new TestSilo(host, siloPort, gatewayPort);
    }

    public async Task StopAsync() => await Host.StopAsync().WaitAsync(TestTimeouts.Start);

    /// <summary>
    /// Stops the silo without a goodbye, as Orleans' own test cluster kills one: its grains vanish
    /// without deactivating, its gateways drop their clients, and the other silos find it dead by
    /// their probes. (A silo in this process cannot be killed outright.)
    /// </summary>
    public async Task KillAsync()
    {
        try
        {
            await Host.StopAsync(new CancellationToken(canceled: true)).WaitAsync(TestTimeouts.Start);
        }
        catch (OperationCanceledException)
        {
            // A stop cut short is the point.
        }
    }

    /// <summary>
    /// Membership that finds a killed silo dead within seconds (a probe every 2 s, three missed, one
    /// vote), rather than Orleans' 15 s; still slow enough that a loaded machine's pauses do not make
    /// live silos suspect each other.
    /// </summary>
    public static void QuickDeathDetection(ISiloBuilder silo) => silo.Configure<Orleans.Configuration.ClusterMembershipOptions>(o =>
    {
        o.ProbeTimeout = TimeSpan.FromSeconds(2);
        o.NumMissedProbesLimit = 3;
        o.NumVotesForDeathDeclaration = 1;
        o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
    });

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Host.StopAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            // Already stopped by the test.
        }

        Host.Dispose();
    }
}

internal static class SiloBuilderExtensions
{
    public static ISiloBuilder Configure(this ISiloBuilder silo, Action<ISiloBuilder>? configure)
    {
        configure?.Invoke(silo);
        return silo;
    }
}
