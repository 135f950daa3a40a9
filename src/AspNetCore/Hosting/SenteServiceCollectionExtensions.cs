using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Orleans.Sente.AspNetCore;

/// <summary><c>services.AddSente(...)</c>: the front end's services.</summary>
public static class SenteServiceCollectionExtensions
{
    public static IServiceCollection AddSente(this IServiceCollection services, Action<SenteOptions>? configure = null)
    {
        var options = services.AddOptions<SenteOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SenteOptions>, SenteOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<SenteHandlers>();
        services.TryAddSingleton<SenteMetrics>();
        services.TryAddSingleton<PackerRegistry>();
        services.TryAddSingleton<EventDispatcher>();
        services.TryAddSingleton<SenteEndpoint>();
        services.TryAddSingleton<SenteRequestChecks>();
        services.TryAddSingleton<AjaxSessions>();
        services.TryAddSingleton<GroupIndex>();
        services.TryAddSingleton<AjaxEndpoint>();
        services.TryAddSingleton<BatchScheduler>();
        services.TryAddSingleton<FrontEndConnections>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, FaultedServiceExitCode>());
        services.AddHostedService(sp => sp.GetRequiredService<BatchScheduler>());
        services.AddHostedService<Heartbeat>();
        services.AddHostedService(sp => sp.GetRequiredService<FrontEndConnections>());
        services.AddHostedService<FrontEndDrain>();
        services.AddTransient<IStartupFilter, WebSocketsStartupFilter>();
        return services;
    }

    /// <summary>Puts the WebSocket middleware at the front of the pipeline, so MapSente needs nothing else.</summary>
    private sealed class WebSocketsStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.UseWebSockets();
            next(app);
        };
    }
}
