using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Hosting;
using Orleans.Providers;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Orleans.Sente.Grains;

/// <summary>Adds Orleans.Sente's grains and their silo-side services to a silo.</summary>
public static class SenteSiloBuilderExtensions
{
    /// <summary>
    /// The grains, their options and services. Their state goes to the silo's default grain
    /// storage, which the silo must have, under keys encoded by <see cref="SenteGrainStorage"/>.
    /// </summary>
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
        silo.AddSenteTracing();
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.AddSingleton<FrontEndDirectory>();
        silo.Services.AddSingleton<FrontEndOutbox>();
        silo.Services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<FrontEndDirectory>());

        // The grains' state goes to the silo's default grain storage, whichever provider that is
        // and whenever it is added, through the key encoding of SenteGrainStorage.
        silo.Services.TryAddKeyedSingleton<IGrainStorage>(SenteGrainStorage.ProviderName, (sp, _) => new SenteGrainStorage(
            sp.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME),
            sp.GetRequiredService<IActivatorProvider>()));
        return silo;
    }
}
