using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Session;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Sente.Routing;

namespace Orleans.Sente.AspNetCore;

/// <summary>
/// <c>services.AddSenteSessions()</c>: ASP.NET Core sessions shared by every front end, with no
/// sticky sessions. The session store is an <see cref="IDistributedCache"/> on grains
/// (<see cref="ISessionGrain"/>), and the data-protection key ring that protects the session
/// cookie is kept in a grain too (<see cref="IKeyRingGrain"/>), so a cookie set by one front end is
/// read by any other. Add <c>app.UseSession()</c> to the pipeline. A request without a session
/// cookie costs the cluster nothing until its session is written. Call
/// <see cref="RenewSenteSessionAsync"/> from the application's login and logout.
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
        services.RemoveAll<ISessionStore>();
        services.AddSingleton<SenteSessionStore>();
        services.AddSingleton<ISessionStore>(sp => sp.GetRequiredService<SenteSessionStore>());
        services.AddSession(o =>
        {
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.IsEssential = true;
            configure?.Invoke(o);
        });
        return services;
    }

    /// <summary>
    /// Gives the request's session a new id, cookie and CSRF token: call it from the application's
    /// login and logout, before the response starts. The session's values move to the new id (a
    /// logout clears them first, <c>context.Session.Clear()</c>); the old id's entry is deleted from
    /// the store, so a cookie planted or copied before the login (session fixation) carries neither
    /// the user-id nor a valid CSRF token after it. Connections opened before keep the user-id they
    /// were opened with until they reconnect. Returns the new CSRF token, for the page to send back
    /// (<c>&lt;meta name="csrf-token"&gt;</c>).
    /// </summary>
    /// <exception cref="InvalidOperationException">Without <c>AddSenteSessions()</c> and <c>app.UseSession()</c>, or once the response has started.</exception>
    public static async Task<string> RenewSenteSessionAsync(this HttpContext context)
    {
        if (context.Features.Get<ISessionFeature>()?.Session is not SenteSession session)
        {
            throw new InvalidOperationException("RenewSenteSessionAsync needs services.AddSenteSessions() and app.UseSession() before the endpoint.");
        }

        if (context.Response.HasStarted)
        {
            throw new InvalidOperationException("RenewSenteSessionAsync must run before the response starts: it sets the session cookie.");
        }

        if (await session.RenewAsync(context.RequestAborted) is { } key)
        {
            SetCookie(context, key);
        }

        var token = SenteCsrf.NewToken();
        session.SetString(SenteCsrf.SessionKey, token);
        return token;
    }

    /// <summary>
    /// The session cookie for <paramref name="key"/>, made as ASP.NET Core's session middleware makes
    /// it (the key protected by its data protector, base64 without padding), so the middleware reads
    /// it on the next request.
    /// </summary>
    private static void SetCookie(HttpContext context, string key)
    {
        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptions<SessionOptions>>().Value;
        var protector = services.GetRequiredService<IDataProtectionProvider>().CreateProtector(SessionMiddlewarePurpose);
        var value = Convert.ToBase64String(protector.Protect(Encoding.UTF8.GetBytes(key))).TrimEnd('=');
        context.Response.Cookies.Append(options.Cookie.Name!, value, options.Cookie.Build(context));
        context.Response.Headers.CacheControl = "no-cache,no-store";
        context.Response.Headers.Pragma = "no-cache";
        context.Response.Headers.Expires = "-1";
    }

    /// <summary>The data-protection purpose of the session middleware's cookie (its type name).</summary>
    private const string SessionMiddlewarePurpose = "SessionMiddleware";
}
