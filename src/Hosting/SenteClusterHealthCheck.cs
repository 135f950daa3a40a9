using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;
using Orleans.Sente.Grains;
using Sente.Grains;

namespace Orleans.Sente.Hosting;

/// <summary>
/// Readiness: this process has joined the cluster and can reach grains. In a silo, its own
/// membership status must be Active; in a silo or a client, a grain call must answer in time.
/// </summary>
internal sealed class SenteClusterHealthCheck(IServiceProvider services) : IHealthCheck
{
    internal static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.GetService<ILocalSiloDetails>() is { } local && services.GetService<IClusterMembershipService>() is { } membership)
        {
            var status = membership.CurrentSnapshot.GetSiloStatus(local.SiloAddress);
            if (status != SiloStatus.Active)
            {
                return HealthCheckResult.Unhealthy($"silo {local.SiloAddress} is {status}");
            }
        }

        try
        {
            var silo = await services.GetRequiredService<IGrainFactory>().GetGrain<IHealthProbeGrain>(0).PingAsync()
                .WaitAsync(ProbeTimeout, cancellationToken);
            return HealthCheckResult.Healthy($"grains answer (silo {silo})");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("grains cannot be reached", e);
        }
    }
}
