using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Sente.AspNetCore;
using Orleans.Sente.Hosting;

namespace Orleans.Sente.Tests.Infrastructure;

/// <summary>
/// A real front end: Kestrel on 127.0.0.1 with a free port, an Orleans client of the given
/// silos' gateways, and the Sente endpoint at <c>/chsk</c>.
/// </summary>
internal sealed class TestFrontEnd : IAsyncDisposable
{
    /// <summary>The query parameter the tests' user-id function reads.</summary>
    public const string TestUidParam = "test-uid";

    private TestFrontEnd(WebApplication app, Uri baseUri)
    {
        App = app;
        BaseUri = baseUri;
    }

    public WebApplication App { get; }

    public Uri BaseUri { get; }

    public IGrainFactory Grains => App.Services.GetRequiredService<IGrainFactory>();

    /// <summary>
    /// Starts a front end. By default the user-id comes from the <c>test-uid</c> query parameter
    /// (a server-side function chosen by the test, as an application would choose its own).
    /// </summary>
    public static async Task<TestFrontEnd> StartAsync(
        IEnumerable<TestSilo> silos,
        Action<SenteOptions>? configure = null,
        Action<WebApplicationBuilder>? configureBuilder = null,
        Action<WebApplication>? map = null,
        int port = 0,
        IEnumerable<KeyValuePair<string, string?>>? settings = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(settings ?? []);
        builder.Logging.ClearProviders().AddConsole().SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Configuration["Sente:Cluster:Mode"] = "Client";
        builder.Configuration["Sente:Cluster:GatewayPorts"] = string.Join(",", silos.Select(s => s.GatewayPort));
        builder.AddSenteCluster();
        builder.Services.AddSente(o =>
        {
            o.UserIdFn = r => ValueTask.FromResult<string?>(r.HttpContext.Request.Query[TestUidParam].FirstOrDefault());

            // These front ends have no sessions, so no CSRF token to compare with, and the user-id
            // comes from no cookie, so every origin is allowed on purpose; the security tests turn
            // the check back on with a session-backed token.
            o.CsrfTokenFn = null;
            o.AllowedOrigins = ["*"];
            configure?.Invoke(o);
        });
        configureBuilder?.Invoke(builder);
        var app = builder.Build();
        if (map is null)
        {
            TestHandlers.Map(app.MapSente());
        }
        else
        {
            map(app);
        }

        await app.StartAsync().WaitAsync(TestTimeouts.Start);
        var address = app.Urls.First();
        var frontEnd = new TestFrontEnd(app, new Uri(address));
        await frontEnd.App.Services.GetRequiredService<FrontEndConnections>().Registered.WaitAsync(TestTimeouts.Start);
        return frontEnd;
    }

    /// <summary>The WebSocket URL of the Sente endpoint with the given query.</summary>
    public Uri WebSocketUri(string query) => new UriBuilder(BaseUri) { Scheme = "ws", Path = "/chsk", Query = query }.Uri;

    public async ValueTask DisposeAsync()
    {
        try
        {
            await App.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        }
        catch (OperationCanceledException)
        {
            // Stopping is bounded; whatever is left goes with the process.
        }

        await App.DisposeAsync();
    }
}
