using Orleans.Configuration;

namespace Orleans.Sente.Hosting;

/// <summary>How a process finds the cluster and where grain state is kept.</summary>
public enum SenteClusterMode
{
    /// <summary>Front end only: co-hosts one silo (localhost clustering, grain state in <see cref="SenteClusterOptions.DataDirectory"/>).</summary>
    Embedded,

    /// <summary>Silo only: localhost clustering and in-memory storage, joining <see cref="SenteClusterOptions.PrimarySiloPort"/> if set.</summary>
    Localhost,

    /// <summary>Front end only: a client of localhost gateways <see cref="SenteClusterOptions.GatewayPorts"/>.</summary>
    Client,

    /// <summary>Membership in an Azure Storage table; silos keep grain state in Azure Storage.</summary>
    AzureStorage,
}

/// <summary>Where silos keep grain state in <see cref="SenteClusterMode.AzureStorage"/> mode.</summary>
public enum SenteGrainStorageKind
{
    /// <summary>Azure Table storage (default).</summary>
    Table,

    /// <summary>Azure Blob storage.</summary>
    Blob,
}

/// <summary>
/// Cluster settings, bound from configuration section <c>Sente:Cluster</c> (a standalone silo
/// then overlays <c>Sente:Silo</c>, so its ports may be given there). Validated at start by
/// <see cref="SenteClusterOptionsValidator"/>, which reports every problem at once.
/// </summary>
public sealed class SenteClusterOptions
{
    public const string SectionName = "Sente:Cluster";
    public const string DefaultClusterId = "sente";
    public const string DefaultServiceId = "sente";

    /// <summary>How this process finds the cluster. Default: <see cref="SenteClusterMode.Embedded"/> for a front end, <see cref="SenteClusterMode.Localhost"/> for a silo.</summary>
    public SenteClusterMode? Mode { get; set; }

    /// <summary>
    /// Azure Storage connection string (account key or SAS) for membership and grain state. In
    /// <see cref="SenteClusterMode.AzureStorage"/> mode exactly one of this,
    /// <see cref="StorageAccountName"/> or <see cref="TableServiceUri"/> is given. For Azurite on
    /// custom ports, give the explicit devstoreaccount1 string with <c>BlobEndpoint</c> and
    /// <c>TableEndpoint</c>.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Azure Storage with a Microsoft Entra identity instead of a key: the storage account's name,
    /// for the public cloud's service addresses <c>https://{name}.table.core.windows.net/</c> and
    /// <c>https://{name}.blob.core.windows.net/</c>. Authenticated with <c>DefaultAzureCredential</c>
    /// (a managed identity in Azure; <c>AZURE_CLIENT_ID</c> picks a user-assigned one).
    /// </summary>
    public string? StorageAccountName { get; set; }

    /// <summary>
    /// Azure Storage with a Microsoft Entra identity, for other clouds or custom domains: the
    /// table service address (<c>https://{account}.table.core.windows.net/</c>). Authenticated like
    /// <see cref="StorageAccountName"/>.
    /// </summary>
    public string? TableServiceUri { get; set; }

    /// <summary>
    /// The blob service address beside <see cref="TableServiceUri"/>; needed when
    /// <see cref="GrainStorage"/> is <see cref="SenteGrainStorageKind.Blob"/>.
    /// </summary>
    public string? BlobServiceUri { get; set; }

    /// <summary>Orleans cluster id: processes with the same id form one cluster. Default "sente".</summary>
    public string ClusterId { get; set; } = DefaultClusterId;

    /// <summary>Orleans service id: the key of grain state, kept across deployments. Default "sente".</summary>
    public string ServiceId { get; set; } = DefaultServiceId;

    /// <summary>Where grain state goes in Azure Storage mode. Default <see cref="SenteGrainStorageKind.Table"/>.</summary>
    public SenteGrainStorageKind GrainStorage { get; set; } = SenteGrainStorageKind.Table;

    /// <summary>Silo-to-silo port of a silo (standalone or embedded). Default 11111.</summary>
    public int SiloPort { get; set; } = EndpointOptions.DEFAULT_SILO_PORT;

    /// <summary>Client gateway port of a silo (standalone or embedded). Default 30000.</summary>
    public int GatewayPort { get; set; } = EndpointOptions.DEFAULT_GATEWAY_PORT;

    /// <summary>
    /// Embedded mode: the folder where the co-hosted silo keeps grain state (sessions, the
    /// data-protection key ring, durable inboxes), so logins outlive a restart. Default: folder
    /// <c>Orleans.Sente/{application name}</c> under the user's local application data
    /// (<c>~/.local/share</c> on Linux, <c>%LOCALAPPDATA%</c> on Windows), beside where ASP.NET Core
    /// keeps its own data-protection keys, and outside the source tree and the published app. A
    /// relative path is taken from the content root. One process at a time per folder.
    /// </summary>
    public string? DataDirectory { get; set; }

    /// <summary>Localhost mode: the silo port of the primary silo to join; unset makes this silo the primary.</summary>
    public int? PrimarySiloPort { get; set; }

    /// <summary>Client mode: comma-separated localhost gateway ports. Default "30000".</summary>
    public string GatewayPorts { get; set; } = EndpointOptions.DEFAULT_GATEWAY_PORT.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Azure Storage mode: the address a silo advertises to the others (and listens on).
    /// Default: unset, the host's own address (with <see cref="Kubernetes"/>, the pod's address);
    /// a single-machine cluster sets 127.0.0.1.
    /// </summary>
    public string? AdvertisedIPAddress { get; set; }

    /// <summary>
    /// A silo in Azure Storage mode running in a Kubernetes pod: Orleans' Kubernetes hosting. The
    /// silo is named after its pod (<c>POD_NAME</c>), advertises the pod's address (<c>POD_IP</c>,
    /// unless <see cref="AdvertisedIPAddress"/> is set), listens on every interface, and watches
    /// the namespace's pods (<c>POD_NAMESPACE</c>) so that a silo whose pod is gone is declared dead
    /// at once. Front ends ignore it. Default false.
    /// </summary>
    public bool Kubernetes { get; set; }

    /// <summary>
    /// The credential for <see cref="StorageAccountName"/> or <see cref="TableServiceUri"/>; null
    /// means one <c>DefaultAzureCredential</c> per process. Set in code, not bound from configuration.
    /// </summary>
    internal Azure.Core.TokenCredential? Credential { get; set; }

    internal IReadOnlyList<int> ParsedGatewayPorts() =>
        [.. GatewayPorts.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => int.TryParse(p, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) ? port : -1)];
}
