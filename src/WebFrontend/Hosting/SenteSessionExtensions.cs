using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Orleans.Sente.WebFrontend;

/// <summary>
/// <c>services.AddSenteSessions()</c>: ASP.NET Core sessions shared by every front end, with no
/// sticky sessions. The session store is an <see cref="IDistributedCache"/> on grains
/// (<see cref="ISessionGrain"/>), and the data-protection key ring that protects the session
/// cookie is kept in a grain too (<see cref="IKeyRingGrain"/>), so a cookie set by one front end is
/// read by any other. Add <c>app.UseSession()</c> to the pipeline.
/// </summary>
public static class SenteSessionExtensions
{
    /// <summary>The data-protection application name the front ends share (cookies are protected per application).</summary>
    public const string ApplicationName = "Orleans.Sente";

    public static IServiceCollection AddSenteSessions(this IServiceCollection services, Action<SessionOptions>? configure = null)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.RemoveAll<IDistributedCache>();
        services.AddSingleton<IDistributedCache, GrainDistributedCache>();
        services.AddDataProtection().SetApplicationName(ApplicationName);
        services.AddOptions<KeyManagementOptions>()
            .Configure<IGrainFactory>((o, grains) => o.XmlRepository = new GrainXmlRepository(grains));
        services.AddSession(o =>
        {
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.IsEssential = true;
            configure?.Invoke(o);
        });
        return services;
    }
}
