using Orleans.Configuration;
using Orleans.Sente.Grains;

namespace Orleans.Sente.Silo;

/// <summary>
/// A standalone silo hosting Orleans.Sente's grains. Configuration section <c>Sente:Silo</c>:
/// <c>SiloPort</c> (11111), <c>GatewayPort</c> (30000), and <c>PrimarySiloPort</c> (unset: this
/// silo is the primary of a localhost cluster; set: join the primary on that port).
/// </summary>
internal static class SiloHosting
{
    public const string SectionName = "Sente:Silo";

    public static WebApplicationBuilder AddSenteSilo(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(SectionName);
        var siloPort = section.GetValue("SiloPort", EndpointOptions.DEFAULT_SILO_PORT);
        var gatewayPort = section.GetValue("GatewayPort", EndpointOptions.DEFAULT_GATEWAY_PORT);
        var primary = section.GetValue<int?>("PrimarySiloPort");
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort, primary is { } port ? new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port) : null)
                .AddMemoryGrainStorageAsDefault()
                .AddSenteGrains();
        });
        return builder;
    }
}
