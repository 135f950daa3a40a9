using Orleans.Configuration;

namespace Orleans.Sente.Bench.Systems.Sente;

internal static class FailureDetection
{
    /// <summary>
    /// <c>--Bench:ProbeTimeout=00:00:01</c>: how long a membership probe may take before it counts
    /// as missed (Orleans' default is 5 s, three misses to suspect). Unset keeps Orleans' defaults.
    /// </summary>
    public static ISiloBuilder AddBenchFailureDetection(this ISiloBuilder silo, IConfiguration configuration)
    {
        if (configuration.GetValue<TimeSpan?>("Bench:ProbeTimeout") is { } probe)
        {
            silo.Configure<ClusterMembershipOptions>(o => o.ProbeTimeout = probe);
        }

        return silo;
    }
}
