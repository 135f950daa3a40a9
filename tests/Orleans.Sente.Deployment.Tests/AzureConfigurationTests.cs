using System.Net;
using Azure.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Clustering.AzureStorage;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.Sente.AspNetCore;
using Orleans.Sente.Hosting;

namespace Orleans.Sente.Deployment.Tests;

/// <summary>
/// The Azure deployment's configuration (docs/deployment.md), as far as it runs without Azure:
/// which keys are accepted, and what Orleans is handed for them, read from hosts that are built
/// but never started, so nothing connects anywhere.
/// </summary>
public sealed class AzureConfigurationTests
{
    private const string DevelopmentStorage = "UseDevelopmentStorage=true";
    private const string StorageScope = "https://storage.azure.com/.default";

    private static readonly SenteClusterMode[] SiloModes = [SenteClusterMode.Localhost, SenteClusterMode.AzureStorage];

    [Fact]
    public void A_connection_string_alone_is_accepted()
    {
        var options = Read(("Mode", "AzureStorage"), ("ConnectionString", DevelopmentStorage));
        Assert.Equal(DevelopmentStorage, options.ConnectionString);
    }

    [Fact]
    public void A_storage_account_name_alone_is_accepted()
    {
        var options = Read(("Mode", "AzureStorage"), ("StorageAccountName", "senteprod01"), ("GrainStorage", "Blob"));
        Assert.Equal("senteprod01", options.StorageAccountName);
    }

    [Fact]
    public void Azure_storage_needs_one_way_to_the_account()
    {
        var failures = Failures(("Mode", "AzureStorage"));
        Assert.Contains(failures, f => f.Contains("ConnectionString, StorageAccountName or TableServiceUri is required", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("ConnectionString", DevelopmentStorage, "StorageAccountName", "senteprod01")]
    [InlineData("ConnectionString", DevelopmentStorage, "TableServiceUri", "https://senteprod01.table.core.windows.net/")]
    [InlineData("StorageAccountName", "senteprod01", "BlobServiceUri", "https://senteprod01.blob.core.windows.net/")]
    public void The_ways_to_the_account_are_alternatives(string key1, string value1, string key2, string value2)
    {
        var failures = Failures(("Mode", "AzureStorage"), (key1, value1), (key2, value2));
        Assert.Contains(failures, f => f.Contains("are alternatives: give one of them", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Sente_Prod")]
    [InlineData("ab")]
    [InlineData("abcdefghijklmnopqrstuvwxy")]
    public void A_storage_account_name_follows_Azure_rules(string name)
    {
        var failures = Failures(("Mode", "AzureStorage"), ("StorageAccountName", name));
        Assert.Contains(failures, f => f.Contains("StorageAccountName must be 3 to 24 lowercase letters and digits", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("http://senteprod01.table.core.windows.net/")]
    [InlineData("senteprod01.table.core.windows.net")]
    public void A_service_address_is_absolute_https(string uri)
    {
        var failures = Failures(("Mode", "AzureStorage"), ("TableServiceUri", uri));
        Assert.Contains(failures, f => f.Contains("TableServiceUri must be an absolute https address", StringComparison.Ordinal));
    }

    [Fact]
    public void Blob_grain_storage_by_address_needs_the_blob_address()
    {
        var failures = Failures(("Mode", "AzureStorage"), ("TableServiceUri", "https://senteprod01.table.core.windows.net/"), ("GrainStorage", "Blob"));
        Assert.Equal(["Sente:Cluster:BlobServiceUri is required with GrainStorage Blob."], failures);
    }

    [Fact]
    public void A_blob_address_alone_is_not_enough()
    {
        var failures = Failures(("Mode", "AzureStorage"), ("BlobServiceUri", "https://senteprod01.blob.core.windows.net/"), ("GrainStorage", "Blob"));
        Assert.Equal(["Sente:Cluster:TableServiceUri is required in AzureStorage mode without a connection string."], failures);
    }

    [Fact]
    public void Kubernetes_hosting_needs_azure_storage_and_every_problem_is_reported_at_once()
    {
        var failures = Failures(("Mode", "Localhost"), ("Kubernetes", "true"), ("SiloPort", "0"));
        Assert.Contains("Sente:Cluster:Kubernetes needs AzureStorage mode; got 'Localhost'.", failures);
        Assert.Contains(failures, f => f.StartsWith("Sente:Cluster:SiloPort must be a port", StringComparison.Ordinal));
    }

    [Fact]
    public void A_silo_by_account_name_gets_clients_of_that_account_with_an_entra_credential()
    {
        var credential = new RecordingCredential();
        var options = Read(("Mode", "AzureStorage"), ("StorageAccountName", "senteprod01"));
        options.Credential = credential;
        using var host = BuildSilo(options);

        var clustering = host.Services.GetRequiredService<IOptions<AzureStorageClusteringOptions>>().Value.TableServiceClient;
        var state = host.Services.GetRequiredService<IOptionsMonitor<AzureTableStorageOptions>>().Get(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME).TableServiceClient;
        Assert.Equal(new Uri("https://senteprod01.table.core.windows.net/"), clustering!.Uri);
        Assert.Equal(new Uri("https://senteprod01.table.core.windows.net/"), state!.Uri);

        // The credential is asked for a storage token before any request leaves: its refusal is the
        // call's outcome, so nothing is sent.
        var refused = Assert.Throws<CredentialAskedException>(() => clustering.GetProperties());
        Assert.Equal([StorageScope], refused.Scopes);
    }

    [Fact]
    public void A_silo_by_service_addresses_keeps_blob_state_at_the_blob_address()
    {
        var credential = new RecordingCredential();
        var options = Read(
            ("Mode", "AzureStorage"),
            ("TableServiceUri", "https://sente.table.example.net/"),
            ("BlobServiceUri", "https://sente.blob.example.net/"),
            ("GrainStorage", "Blob"));
        options.Credential = credential;
        using var host = BuildSilo(options);

        var clustering = host.Services.GetRequiredService<IOptions<AzureStorageClusteringOptions>>().Value.TableServiceClient;
        var state = host.Services.GetRequiredService<IOptionsMonitor<AzureBlobStorageOptions>>().Get(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME).BlobServiceClient;
        Assert.Equal(new Uri("https://sente.table.example.net/"), clustering!.Uri);
        Assert.Equal(new Uri("https://sente.blob.example.net/"), state!.Uri);
        var refused = Assert.Throws<CredentialAskedException>(() => state.GetProperties());

        // The blob client asks for the same audience, spelled with a doubled slash.
        Assert.Equal(["https://storage.azure.com//.default"], refused.Scopes);
    }

    [Fact]
    public void A_silo_by_connection_string_gets_clients_of_the_connection_strings_account()
    {
        using var host = BuildSilo(Read(("Mode", "AzureStorage"), ("ConnectionString", DevelopmentStorage)));

        var clustering = host.Services.GetRequiredService<IOptions<AzureStorageClusteringOptions>>().Value.TableServiceClient;
        Assert.Equal("devstoreaccount1", clustering!.AccountName);
    }

    [Fact]
    public void A_front_end_by_account_name_finds_the_gateways_in_that_accounts_table()
    {
        var configuration = Configuration(("Mode", "AzureStorage"), ("StorageAccountName", "senteprod01"));
        var options = configuration.ReadClusterOptions(SenteClusterMode.Embedded, [SenteClusterMode.AzureStorage]);
        options.Credential = new RecordingCredential();
        using var host = new HostBuilder().UseOrleansClient(client => client.UseSenteCluster(options)).Build();

        var gateways = host.Services.GetRequiredService<IOptions<AzureStorageGatewayOptions>>().Value.TableServiceClient;
        Assert.Equal(new Uri("https://senteprod01.table.core.windows.net/"), gateways!.Uri);
    }

    [Fact]
    public void Kubernetes_hosting_names_the_silo_after_its_pod_and_advertises_the_pods_address()
    {
        using var pod = new PodEnvironment("sente-silo-7d9f-abcde", "sente", "10.244.1.17");
        using var host = BuildSilo(Read(("Mode", "AzureStorage"), ("ConnectionString", DevelopmentStorage), ("Kubernetes", "true")));

        Assert.Equal("sente-silo-7d9f-abcde", host.Services.GetRequiredService<IOptions<SiloOptions>>().Value.SiloName);
        var endpoints = host.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;
        Assert.Equal(IPAddress.Parse("10.244.1.17"), endpoints.AdvertisedIPAddress);
        Assert.Equal(new IPEndPoint(IPAddress.Any, 11111), endpoints.SiloListeningEndpoint);
        Assert.Equal(new IPEndPoint(IPAddress.Any, 30000), endpoints.GatewayListeningEndpoint);
        Assert.Equal("sente", host.Services.GetRequiredService<IOptions<ClusterOptions>>().Value.ClusterId);
    }

    [Fact]
    public void Kubernetes_hosting_keeps_an_advertised_address_and_ports_given()
    {
        using var pod = new PodEnvironment("sente-silo-0", "sente", "10.244.1.17");
        using var host = BuildSilo(Read(
            ("Mode", "AzureStorage"),
            ("ConnectionString", DevelopmentStorage),
            ("Kubernetes", "true"),
            ("AdvertisedIPAddress", "10.1.0.9"),
            ("SiloPort", "11200"),
            ("GatewayPort", "30200")));

        var endpoints = host.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;
        Assert.Equal(IPAddress.Parse("10.1.0.9"), endpoints.AdvertisedIPAddress);
        Assert.Equal(11200, endpoints.SiloPort);
        Assert.Equal(30200, endpoints.GatewayPort);
    }

    [Theory]
    [InlineData("https://chat.example.com, https://example.com")]
    [InlineData(null)]
    public void A_front_end_takes_its_allowed_origins_from_configuration(string? list)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Sente:Cluster:Mode"] = "Client",
        };
        if (list is null)
        {
            settings["Sente:FrontEnd:AllowedOrigins:0"] = "https://chat.example.com";
            settings["Sente:FrontEnd:AllowedOrigins:1"] = "https://example.com";
        }
        else
        {
            settings["Sente:FrontEnd:AllowedOrigins"] = list;
        }

        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddSenteCluster();
        builder.Services.AddSente();
        using var app = builder.Build();

        Assert.Equal(["https://chat.example.com", "https://example.com"], app.Services.GetRequiredService<IOptions<SenteOptions>>().Value.AllowedOrigins);
    }

    [Fact]
    public void The_applications_own_allowed_origins_win_over_configuration()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Sente:Cluster:Mode"] = "Client",
            ["Sente:FrontEnd:AllowedOrigins"] = "https://chat.example.com",
        });
        builder.AddSenteCluster();
        builder.Services.AddSente(o => o.AllowedOrigins = ["https://app.example.com"]);
        using var app = builder.Build();

        Assert.Equal(["https://app.example.com"], app.Services.GetRequiredService<IOptions<SenteOptions>>().Value.AllowedOrigins);
    }

    [Fact]
    public void Without_allowed_origins_in_configuration_the_default_stays()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Sente:Cluster:Mode"] = "Client" });
        builder.AddSenteCluster();
        builder.Services.AddSente();
        using var app = builder.Build();

        Assert.Null(app.Services.GetRequiredService<IOptions<SenteOptions>>().Value.AllowedOrigins);
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] cluster) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(cluster.Select(s => KeyValuePair.Create(SenteClusterOptions.SectionName + ":" + s.Key, (string?)s.Value)))
            .Build();

    private static SenteClusterOptions Read(params (string Key, string Value)[] cluster) =>
        Configuration(cluster).ReadClusterOptions(SenteClusterMode.Localhost, SiloModes, "Sente:Silo");

    private static IReadOnlyList<string> Failures(params (string Key, string Value)[] cluster) =>
        [.. Assert.Throws<OptionsValidationException>(() => Read(cluster)).Failures];

    private static IHost BuildSilo(SenteClusterOptions options) =>
        new HostBuilder().UseOrleans(silo => silo.UseSenteCluster(options, Configuration())).Build();

    /// <summary>A credential that records the scopes asked for and refuses, so no request is sent.</summary>
    private sealed class RecordingCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new CredentialAskedException(requestContext.Scopes);

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new CredentialAskedException(requestContext.Scopes);
    }

    private sealed class CredentialAskedException(string[] scopes) : Exception("The credential was asked for a token.")
    {
        public string[] Scopes { get; } = scopes;
    }

    /// <summary>
    /// The variables Kubernetes sets from the pod's fields (deploy/kubernetes/silo.yaml), for one
    /// test; the suites of this assembly run one at a time, so no other test sees them.
    /// </summary>
    private sealed class PodEnvironment : IDisposable
    {
        private static readonly string[] Names = ["POD_NAME", "POD_NAMESPACE", "POD_IP"];
        private readonly Dictionary<string, string?> saved = Names.ToDictionary(n => n, Environment.GetEnvironmentVariable);

        public PodEnvironment(string name, string @namespace, string ip)
        {
            Environment.SetEnvironmentVariable("POD_NAME", name);
            Environment.SetEnvironmentVariable("POD_NAMESPACE", @namespace);
            Environment.SetEnvironmentVariable("POD_IP", ip);
        }

        public void Dispose()
        {
            foreach (var (name, value) in saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }
}
