using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;

namespace Orleans.Sente.Grains;

/// <summary>
/// Trace propagation for silos and clients: Orleans' activity propagation (added once, whoever else
/// adds it) and Orleans.Sente's own filters.
/// </summary>
public static class SenteTracingBuilderExtensions
{
    private const string OrleansIncomingFilter = "ActivityPropagationIncomingGrainCallFilter";

    /// <summary>Adds Orleans' activity propagation (once) and Orleans.Sente's spans and context filter to a silo.</summary>
    public static ISiloBuilder AddSenteTracing(this ISiloBuilder silo)
    {
        if (!HasOrleansPropagation(silo.Services))
        {
            silo.AddActivityPropagation();
        }

        if (!silo.Services.Any(d => d.ImplementationType == typeof(SenteGrainTracingFilter)))
        {
            silo.AddOutgoingGrainCallFilter<SenteTraceContextFilter>();
            silo.AddIncomingGrainCallFilter<SenteGrainTracingFilter>();
        }

        return silo;
    }

    /// <summary>Adds Orleans' activity propagation (once) and Orleans.Sente's context filter to a client.</summary>
    public static IClientBuilder AddSenteTracing(this IClientBuilder client)
    {
        if (!HasOrleansPropagation(client.Services))
        {
            client.AddActivityPropagation();
        }

        if (!client.Services.Any(d => d.ImplementationType == typeof(SenteTraceContextFilter)))
        {
            client.AddOutgoingGrainCallFilter<SenteTraceContextFilter>();
        }

        return client;
    }

    private static bool HasOrleansPropagation(IServiceCollection services) =>
        services.Any(d => d.ImplementationType?.Name == OrleansIncomingFilter || d.ImplementationType?.Name == "ActivityPropagationOutgoingGrainCallFilter");
}
