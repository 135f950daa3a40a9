using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Sente.AspNetCore;
using Orleans.Sente.Hosting;

namespace Orleans.Sente.Deployment.Tests.Infrastructure;

/// <summary>
/// One cluster's identity on a real Azurite: Azure Table membership and Azure Table or Blob grain
/// storage, configured through the same keys and code as the standalone silo and front end.
/// </summary>
internal sealed class AzureCluster(string connectionString, SenteGrainStorageKind storage = SenteGrainStorageKind.Table)
{
    public string ClusterId { get; } = "test-" + Guid.NewGuid().ToString("N")[..12];

    public string ServiceId { get; } = "svc-" + Guid.NewGuid().ToString("N")[..12];

    public Dictionary<string, string?> Settings(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Sente:Cluster:Mode"] = "AzureStorage",
            ["Sente:Cluster:ConnectionString"] = connectionString,
            ["Sente:Cluster:ClusterId"] = ClusterId,
            ["Sente:Cluster:ServiceId"] = ServiceId,
            ["Sente:Cluster:GrainStorage"] = storage.ToString(),
            ["Sente:Cluster:AdvertisedIPAddress"] = "127.0.0.1",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>A silo in its own host, with free ports; <paramref name="grainSettings"/> go under <c>Sente:Grains</c>.</summary>
    public async Task<IHost> StartSiloAsync(TimeProvider? clock = null, params (string Key, string Value)[] grainSettings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(Settings([
                ("Sente:Silo:SiloPort", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("Sente:Silo:GatewayPort", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture)),
                .. grainSettings.Select(s => ("Sente:Grains:" + s.Key, s.Value))]))
            .Build();
        var options = configuration.ReadClusterOptions(SenteClusterMode.Localhost, [SenteClusterMode.AzureStorage], "Sente:Silo");
        var host = new HostBuilder()
            .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .UseOrleans(silo =>
            {
                if (clock is not null)
                {
                    silo.Services.AddSingleton(clock);
                }

                silo.UseSenteCluster(options, configuration);
            })
            .Build();
        await host.StartAsync().WaitAsync(Timeouts.Start);
        return host;
    }

    /// <summary>A plain Orleans client of this cluster, as any service would hold.</summary>
    public async Task<IHost> StartClientAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Settings()).Build();
        var options = configuration.ReadClusterOptions(SenteClusterMode.AzureStorage, [SenteClusterMode.AzureStorage]);
        var host = new HostBuilder()
            .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .UseOrleansClient(client => client.UseSenteCluster(options))
            .Build();
        await host.StartAsync().WaitAsync(Timeouts.Start);
        return host;
    }

    /// <summary>
    /// A front end in AzureStorage client mode on a free port, serving <c>/chsk</c> and the
    /// operations endpoints; the user-id is the <c>uid</c> query parameter. With
    /// <paramref name="sessions"/>, it also keeps sessions in the cluster (<c>AddSenteSessions</c>,
    /// <c>UseSession</c>), as the demo front end does. Returns once <c>/health/ready</c> says so.
    /// </summary>
    public async Task<WebApplication> StartFrontEndAsync(bool sessions = false)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders().AddConsole().SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(Settings());
        builder.AddSenteCluster();
        builder.Services.AddSente(o =>
        {
            o.UserIdFn = r => ValueTask.FromResult<string?>(r.HttpContext.Request.Query["uid"].FirstOrDefault());
            o.CsrfTokenFn = null;
            o.AllowedOrigins = ["*"];
        });
        if (sessions)
        {
            builder.Services.AddSenteSessions();
        }

        var app = builder.Build();
        app.MapSenteOperations();
        if (sessions)
        {
            app.UseSession();
        }

        app.MapSente();
        await app.StartAsync().WaitAsync(Timeouts.Start);
        await WaitReadyAsync(new Uri(app.Urls.First()));
        return app;
    }

    public static async Task WaitReadyAsync(Uri baseUri)
    {
        using var http = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + Timeouts.Start;
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(SenteOperations.ReadyPath);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && DateTime.UtcNow < deadline)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"{baseUri} was not ready within {Timeouts.Start.TotalSeconds} s.");
            }

            await Task.Delay(Timeouts.Poll);
        }
    }

    public static async Task StopAsync(IHost host)
    {
        await host.StopAsync(TimeSpan.FromSeconds(30));
        host.Dispose();
    }
}

/// <summary>The system clock, moved forward on demand, so age limits are tested without waiting.</summary>
internal sealed class ShiftedClock : TimeProvider
{
    private long _offsetTicks;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
}
