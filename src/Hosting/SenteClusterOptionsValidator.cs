using System.Net;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;

namespace Orleans.Sente.Hosting;

/// <summary>
/// Checks <see cref="SenteClusterOptions"/> for the role of this process (the modes it allows)
/// and reports every failure at once, so one start shows everything to fix.
/// </summary>
internal sealed class SenteClusterOptionsValidator(SenteClusterMode defaultMode, IReadOnlyCollection<SenteClusterMode> allowedModes)
    : IValidateOptions<SenteClusterOptions>
{
    private const string Prefix = SenteClusterOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, SenteClusterOptions options)
    {
        var failures = new List<string>();
        var mode = options.Mode ?? defaultMode;
        if (!allowedModes.Contains(mode))
        {
            failures.Add($"{Prefix}Mode must be one of {string.Join(", ", allowedModes)} here; got '{mode}'.");
        }

        if (mode == SenteClusterMode.AzureStorage)
        {
            CheckStorage(failures, options);

            if (string.IsNullOrWhiteSpace(options.ClusterId))
            {
                failures.Add($"{Prefix}ClusterId must not be empty.");
            }

            if (string.IsNullOrWhiteSpace(options.ServiceId))
            {
                failures.Add($"{Prefix}ServiceId must not be empty.");
            }

            if (options.AdvertisedIPAddress is { } address && !IPAddress.TryParse(address, out _))
            {
                failures.Add($"{Prefix}AdvertisedIPAddress must be an IP address; got '{address}'.");
            }
        }

        if (options.Kubernetes && mode != SenteClusterMode.AzureStorage)
        {
            failures.Add($"{Prefix}Kubernetes needs AzureStorage mode; got '{mode}'.");
        }

        if (mode is SenteClusterMode.Embedded or SenteClusterMode.Localhost or SenteClusterMode.AzureStorage)
        {
            CheckPort(failures, "SiloPort", options.SiloPort);
            CheckPort(failures, "GatewayPort", options.GatewayPort);
            if (options.SiloPort == options.GatewayPort)
            {
                failures.Add($"{Prefix}SiloPort and GatewayPort must differ; both are {options.SiloPort}.");
            }
        }

        if (mode == SenteClusterMode.Localhost && options.PrimarySiloPort is { } primary)
        {
            CheckPort(failures, "PrimarySiloPort", primary);
        }

        if (mode == SenteClusterMode.Client)
        {
            var ports = options.ParsedGatewayPorts();
            if (ports.Count == 0 || ports.Any(p => p is <= 0 or > 65535))
            {
                failures.Add($"{Prefix}GatewayPorts must be a comma-separated list of ports; got '{options.GatewayPorts}'.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>
    /// Exactly one way to Azure Storage: a connection string, or a Microsoft Entra identity with the
    /// account's name or its service addresses.
    /// </summary>
    private static void CheckStorage(List<string> failures, SenteClusterOptions options)
    {
        var hasConnectionString = !string.IsNullOrWhiteSpace(options.ConnectionString);
        var hasAccountName = !string.IsNullOrWhiteSpace(options.StorageAccountName);
        var hasUris = !string.IsNullOrWhiteSpace(options.TableServiceUri) || !string.IsNullOrWhiteSpace(options.BlobServiceUri);
        var given = (hasConnectionString ? 1 : 0) + (hasAccountName ? 1 : 0) + (hasUris ? 1 : 0);
        if (given == 0)
        {
            failures.Add($"{Prefix}ConnectionString, StorageAccountName or TableServiceUri is required in AzureStorage mode (a connection string with a key or SAS, for Azurite on custom ports the explicit devstoreaccount1 string with BlobEndpoint and TableEndpoint; or the account's name or service addresses, with a managed identity).");
            return;
        }

        if (given > 1)
        {
            failures.Add($"{Prefix}ConnectionString, StorageAccountName and TableServiceUri/BlobServiceUri are alternatives: give one of them.");
            return;
        }

        if (hasConnectionString)
        {
            if (!IsConnectionString(options.ConnectionString!))
            {
                failures.Add($"{Prefix}ConnectionString is not an Azure Storage connection string.");
            }
        }
        else if (hasAccountName)
        {
            if (!SenteAzureStorage.IsAccountName(options.StorageAccountName!.Trim()))
            {
                failures.Add($"{Prefix}StorageAccountName must be 3 to 24 lowercase letters and digits; got '{options.StorageAccountName}'.");
            }
        }
        else
        {
            CheckServiceUri(failures, "TableServiceUri", options.TableServiceUri, required: true, "in AzureStorage mode without a connection string");
            CheckServiceUri(
                failures,
                "BlobServiceUri",
                options.BlobServiceUri,
                required: options.GrainStorage == SenteGrainStorageKind.Blob,
                "with GrainStorage Blob");
        }
    }

    private static void CheckServiceUri(List<string> failures, string key, string? value, bool required, string when)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                failures.Add($"{Prefix}{key} is required {when}.");
            }
        }
        else if (SenteAzureStorage.ParseServiceUri(value) is null)
        {
            failures.Add($"{Prefix}{key} must be an absolute https address; got '{value}'.");
        }
    }

    private static void CheckPort(List<string> failures, string key, int port)
    {
        if (port is <= 0 or > 65535)
        {
            failures.Add($"{Prefix}{key} must be a port between 1 and 65535; got {port}.");
        }
    }

    private static bool IsConnectionString(string connectionString)
    {
        try
        {
            _ = new TableServiceClient(connectionString);
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }
}
