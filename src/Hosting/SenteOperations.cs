using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Orleans.Sente.Hosting;

/// <summary>
/// Operations endpoints shared by silos and front ends:
/// <list type="bullet">
/// <item><c>GET /health/live</c>: 200 <c>Healthy</c> while the process serves HTTP (runs no check);</item>
/// <item><c>GET /health/ready</c>: 200 <c>Healthy</c> once joined to the cluster and able to reach grains
/// (plus, on a front end, registered with the front-end registry); otherwise 503 <c>Unhealthy</c>;</item>
/// <item><c>GET /metrics</c>: Prometheus text of meter <c>Orleans.Sente</c> and Orleans' own <c>Microsoft.Orleans</c>.</item>
/// </list>
/// Each readiness check is cut off after <see cref="CheckTimeout"/> (and then counts as Unhealthy), so
/// a probe is answered in bounded time while the cluster or its storage hangs. The three endpoints
/// short-circuit the pipeline (they run at routing): no middleware the application adds after
/// (sessions, authentication) runs for a probe, so a probe never waits on a session store.
/// </summary>
public static class SenteOperations
{
    /// <summary>Tag of the health checks that <c>/health/ready</c> runs.</summary>
    public const string ReadyTag = "ready";

    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";
    public const string MetricsPath = "/metrics";

    /// <summary>How long one readiness check may take before it counts as Unhealthy.</summary>
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Meters exported at <c>/metrics</c>.</summary>
    public static readonly string[] Meters = [SenteTelemetry.MeterName, "Microsoft.Orleans"];

    /// <summary>
    /// The health checks, the telemetry of a process in <paramref name="role"/> (see
    /// <see cref="SenteTelemetryHosting"/>) and its default log levels (see <see cref="SenteLoggingDefaults"/>).
    /// </summary>
    public static IHostApplicationBuilder AddSenteOperations(this IHostApplicationBuilder builder, SenteRole role)
    {
        builder.Services.AddHealthChecks().AddCheck<SenteClusterHealthCheck>("cluster", tags: [ReadyTag], timeout: CheckTimeout);
        builder.AddSenteTelemetry(role);
        builder.AddSenteLoggingDefaults(role);
        return builder;
    }

    public static IEndpointRouteBuilder MapSenteOperations(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false }).ShortCircuit();
        endpoints.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) }).ShortCircuit();
        endpoints.MapPrometheusScrapingEndpoint(MetricsPath).ShortCircuit();
        return endpoints;
    }
}
