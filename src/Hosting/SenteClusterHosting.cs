using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Sente.AspNetCore;

namespace Orleans.Sente.Hosting;

/// <summary>
/// How the front end reaches the cluster, from configuration section <c>Sente:Cluster</c>
/// (validated at start; every problem is reported at once):
/// <list type="bullet">
/// <item><c>Mode=Embedded</c> (default): co-hosts one silo with localhost clustering and grain state
/// in a local folder (<c>DataDirectory</c>, named in the log at start), so <c>dotnet run</c> needs nothing
/// else and logins outlive a restart. <c>SiloPort</c> (11111) and <c>GatewayPort</c> (30000).</item>
/// <item><c>Mode=Client</c>: a pure Orleans client of an external cluster, through localhost
/// gateways <c>GatewayPorts</c> (e.g. "30000,30001").</item>
/// <item><c>Mode=AzureStorage</c>: a pure Orleans client of a cluster whose membership is in Azure
/// Storage: <c>ConnectionString</c> or, with a managed identity, <c>StorageAccountName</c> or
/// <c>TableServiceUri</c>; <c>ClusterId</c>, <c>ServiceId</c> (see <see cref="SenteClusterOptions"/>).</item>
/// </list>
/// <c>Sente:FrontEnd:AllowedOrigins</c> sets <see cref="SenteOptions.AllowedOrigins"/>.
/// Also adds the operations endpoints' services (<c>/health/live</c>, <c>/health/ready</c>,
/// <c>/metrics</c>; map them with <c>MapSenteOperations()</c>); readiness includes this front end's
/// registration with the cluster.
/// </summary>
public static class SenteClusterHosting
{
    public const string SectionName = SenteClusterOptions.SectionName;

    public static WebApplicationBuilder AddSenteCluster(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.ReadClusterOptions(
            SenteClusterMode.Embedded,
            [SenteClusterMode.Embedded, SenteClusterMode.Client, SenteClusterMode.AzureStorage]);
        if (options.Mode == SenteClusterMode.Embedded)
        {
            builder.UseOrleans(silo => silo.UseSenteCluster(options, builder.Configuration));
        }
        else
        {
            builder.UseOrleansClient(client => client.UseSenteCluster(options));
        }

        builder.Services.AddOptions<SenteOptions>().Configure(o => ConfigureAllowedOrigins(o, builder.Configuration));
        builder.AddSenteOperations(options.Mode == SenteClusterMode.Embedded ? SenteRole.FrontEnd | SenteRole.Silo : SenteRole.FrontEnd);
        builder.Services.AddHealthChecks().AddSenteFrontEnd(tags: [SenteOperations.ReadyTag], timeout: SenteOperations.CheckTimeout);
        return builder;
    }

    /// <summary>
    /// <c>Sente:FrontEnd:AllowedOrigins</c>, comma-separated (<c>https://chat.example.com,https://example.com</c>)
    /// or as a list (<c>Sente__FrontEnd__AllowedOrigins__0</c>, ...), sets
    /// <see cref="SenteOptions.AllowedOrigins"/> unless unset; the application's own
    /// <c>AddSente(o => ...)</c> runs after it and has the last word.
    /// </summary>
    internal static void ConfigureAllowedOrigins(SenteOptions options, IConfiguration configuration)
    {
        var section = configuration.GetSection(AllowedOriginsKey);
        IEnumerable<string?> values = section.Value is { } list ? list.Split(',') : section.GetChildren().Select(c => c.Value);
        var origins = values
            .Select(v => v?.Trim())
            .Where(v => !string.IsNullOrEmpty(v))
            .Cast<string>()
            .ToList();
        if (origins.Count > 0)
        {
            options.AllowedOrigins = origins;
        }
    }

    /// <summary>Configuration key of the front end's allowed origins (Sente's <c>allowed-origins</c>).</summary>
    public const string AllowedOriginsKey = "Sente:FrontEnd:AllowedOrigins";
}
