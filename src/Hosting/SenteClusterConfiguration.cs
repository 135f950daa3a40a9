using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Hosting.Kubernetes;
using Orleans.Sente.Grains;

namespace Orleans.Sente.Hosting;

/// <summary>
/// The one place where silos and front ends turn <see cref="SenteClusterOptions"/> into Orleans
/// clustering and grain storage, so the standalone silo, the embedded front end and the client
/// front end cannot disagree about where the cluster is.
/// </summary>
public static class SenteClusterConfiguration
{
    /// <summary>Configuration section of <see cref="SenteGrainOptions"/> (e.g. <c>Sente:Grains:InboxLimit</c>).</summary>
    public const string GrainsSectionName = "Sente:Grains";

    /// <summary>
    /// Binds <c>Sente:Cluster</c> (then each of <paramref name="overlaySections"/> over it) and
    /// validates the result for a process that allows <paramref name="allowedModes"/>; throws one
    /// <see cref="OptionsValidationException"/> listing every problem.
    /// </summary>
    public static SenteClusterOptions ReadClusterOptions(
        this IConfiguration configuration,
        SenteClusterMode defaultMode,
        IReadOnlyCollection<SenteClusterMode> allowedModes,
        params string[] overlaySections)
    {
        var options = new SenteClusterOptions();
        var failures = new List<string>();
        foreach (var section in (string[])[SenteClusterOptions.SectionName, .. overlaySections])
        {
            try
            {
                configuration.GetSection(section).Bind(options);
            }
            catch (InvalidOperationException e)
            {
                failures.Add($"{section}: {e.Message} {e.InnerException?.Message}".TrimEnd());
            }
        }

        options.Mode ??= defaultMode;
        var result = new SenteClusterOptionsValidator(defaultMode, allowedModes).Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            failures.AddRange(result.Failures);
        }

        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(SenteClusterOptions), failures);
        }

        return options;
    }

    /// <summary>
    /// Clustering, endpoints and default grain storage of a silo, then Orleans.Sente's grains
    /// with <see cref="SenteGrainOptions"/> bound from <c>Sente:Grains</c>.
    /// </summary>
    public static ISiloBuilder UseSenteCluster(this ISiloBuilder silo, SenteClusterOptions options, IConfiguration configuration)
    {
        switch (options.Mode)
        {
            case SenteClusterMode.Embedded:
                silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort).AddEmbeddedGrainStorage(options.DataDirectory);
                break;

            case SenteClusterMode.Localhost:
                silo.UseLocalhostClustering(
                        options.SiloPort,
                        options.GatewayPort,
                        options.PrimarySiloPort is { } primary ? new IPEndPoint(IPAddress.Loopback, primary) : null)
                    .AddMemoryGrainStorageAsDefault();
                break;

            case SenteClusterMode.AzureStorage:
                var storage = new SenteAzureStorage(options);
                silo.Configure<ClusterOptions>(o =>
                    {
                        o.ClusterId = options.ClusterId;
                        o.ServiceId = options.ServiceId;
                    })
                    .UseAzureStorageClustering(o => o.TableServiceClient = storage.TableServiceClient());
                if (options.AdvertisedIPAddress is { } address)
                {
                    silo.ConfigureEndpoints(IPAddress.Parse(address), options.SiloPort, options.GatewayPort);
                }
                else if (options.Kubernetes)
                {
                    // The pod's address (set from status.podIP), listening on every interface. Set
                    // here rather than left to Kubernetes hosting, whose fallback runs only when no
                    // other configuration has chosen an address already.
                    silo.Configure<EndpointOptions>(o =>
                    {
                        o.SiloPort = options.SiloPort;
                        o.GatewayPort = options.GatewayPort;
                        if (IPAddress.TryParse(Environment.GetEnvironmentVariable(KubernetesHostingOptions.PodIPEnvironmentVariable), out var podIP))
                        {
                            o.AdvertisedIPAddress = podIP;
                        }

                        o.SiloListeningEndpoint = new IPEndPoint(IPAddress.Any, options.SiloPort);
                        o.GatewayListeningEndpoint = new IPEndPoint(IPAddress.Any, options.GatewayPort);
                    });
                }
                else
                {
                    silo.ConfigureEndpoints(options.SiloPort, options.GatewayPort);
                }

                if (options.Kubernetes)
                {
                    silo.UseKubernetesHosting();
                }

                if (options.GrainStorage == SenteGrainStorageKind.Blob)
                {
                    silo.AddAzureBlobGrainStorageAsDefault(o => o.BlobServiceClient = storage.BlobServiceClient());
                }
                else
                {
                    silo.AddAzureTableGrainStorageAsDefault(o => o.TableServiceClient = storage.TableServiceClient());
                }

                break;

            default:
                throw new InvalidOperationException($"A silo cannot run in {options.Mode} mode.");
        }

        silo.Services.AddOptions<SenteGrainOptions>().Bind(configuration.GetSection(GrainsSectionName));
        return silo.AddSenteGrains();
    }

    /// <summary>How a pure Orleans client (a front end in Client or AzureStorage mode, or any service) finds the gateways.</summary>
    public static IClientBuilder UseSenteCluster(this IClientBuilder client, SenteClusterOptions options)
    {
        switch (options.Mode)
        {
            case SenteClusterMode.Client:
                client.UseStaticClustering([.. options.ParsedGatewayPorts().Select(p => new IPEndPoint(IPAddress.Loopback, p))]);
                break;

            case SenteClusterMode.AzureStorage:
                var storage = new SenteAzureStorage(options);
                client.Configure<ClusterOptions>(o =>
                    {
                        o.ClusterId = options.ClusterId;
                        o.ServiceId = options.ServiceId;
                    })
                    .UseAzureStorageClustering(o => o.TableServiceClient = storage.TableServiceClient());
                break;

            default:
                throw new InvalidOperationException($"A client cannot run in {options.Mode} mode.");
        }

        return client.AddSenteTracing();
    }
}
