using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Sente.Grains;

namespace Orleans.Sente.WebFrontend;

/// <summary>
/// How the front end reaches the cluster, from configuration section <c>Sente:Cluster</c>:
/// <list type="bullet">
/// <item><c>Mode=Embedded</c> (default): co-hosts one silo with localhost clustering and in-memory
/// storage, so <c>dotnet run</c> needs nothing else. <c>SiloPort</c> (11111) and <c>GatewayPort</c> (30000).</item>
/// <item><c>Mode=Client</c>: a pure Orleans client of an external cluster, through localhost
/// gateways <c>GatewayPorts</c> (e.g. "30000,30001").</item>
/// </list>
/// </summary>
public static class SenteClusterHosting
{
    public const string SectionName = "Sente:Cluster";

    public static WebApplicationBuilder AddSenteCluster(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(SectionName);
        var mode = section["Mode"] ?? "Embedded";
        if (string.Equals(mode, "Embedded", StringComparison.OrdinalIgnoreCase))
        {
            var siloPort = section.GetValue("SiloPort", EndpointOptions.DEFAULT_SILO_PORT);
            var gatewayPort = section.GetValue("GatewayPort", EndpointOptions.DEFAULT_GATEWAY_PORT);
            builder.UseOrleans(silo => silo
                .UseLocalhostClustering(siloPort, gatewayPort)
                .AddMemoryGrainStorageAsDefault()
                .AddSenteGrains());
        }
        else if (string.Equals(mode, "Client", StringComparison.OrdinalIgnoreCase))
        {
            var ports = (section["GatewayPorts"] ?? EndpointOptions.DEFAULT_GATEWAY_PORT.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(p => int.TryParse(p, out var port) && port is > 0 and < 65536
                    ? port
                    : throw new InvalidOperationException($"{SectionName}:GatewayPorts must be a comma-separated list of ports; got '{p}'."))
                .ToArray();
            builder.UseOrleansClient(client => client.UseStaticClustering([.. ports.Select(p => new IPEndPoint(IPAddress.Loopback, p))]));
        }
        else
        {
            throw new InvalidOperationException($"{SectionName}:Mode must be 'Embedded' or 'Client'; got '{mode}'.");
        }

        return builder;
    }
}
