using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Orleans.Sente.AspNetCore;

/// <summary>Readiness of a front end: it has registered with the front-end registry, so grains can reach its sockets.</summary>
internal sealed class FrontEndHealthCheck(IServiceProvider services) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(services.GetService<FrontEndConnections>() is not { } frontEnd
            ? HealthCheckResult.Healthy("no Sente endpoint in this process")
            : frontEnd.Registered.IsCompletedSuccessfully
                ? HealthCheckResult.Healthy($"front end {frontEnd.Id} registered")
                : HealthCheckResult.Unhealthy($"front end {frontEnd.Id} has not registered with the cluster yet"));
}
