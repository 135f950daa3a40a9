using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Hosting;

namespace Orleans.Sente.Grains;

/// <summary>Adds Orleans.Sente's grains and their silo-side services to a silo.</summary>
public static class SenteSiloBuilderExtensions
{
    public static ISiloBuilder AddSenteGrains(this ISiloBuilder silo, Action<SenteGrainOptions>? configure = null)
    {
        var options = silo.Services.AddOptions<SenteGrainOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        silo.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SenteGrainOptions>, SenteGrainOptionsValidator>());
        silo.Services.AddMetrics();
        silo.Services.TryAddSingleton<SenteGrainMetrics>();
        silo.AddIncomingGrainCallFilter<SenteGrainCallMetricsFilter>();
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.AddSingleton<FrontEndDirectory>();
        silo.Services.AddSingleton<FrontEndOutbox>();
        silo.Services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<FrontEndDirectory>());
        return silo;
    }
}
