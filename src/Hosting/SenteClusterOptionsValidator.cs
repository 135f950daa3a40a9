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
            if (string.IsNullOrWhiteSpace(options.ConnectionString))
            {
                failures.Add($"{Prefix}ConnectionString is required in AzureStorage mode (for Azurite on custom ports: the explicit devstoreaccount1 string with BlobEndpoint and TableEndpoint).");
            }
            else if (!IsConnectionString(options.ConnectionString))
            {
                failures.Add($"{Prefix}ConnectionString is not an Azure Storage connection string.");
            }

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
