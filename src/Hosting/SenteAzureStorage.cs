using System.Text.RegularExpressions;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;

namespace Orleans.Sente.Hosting;

/// <summary>
/// The Azure Storage clients of <see cref="SenteClusterMode.AzureStorage"/> mode, from a connection
/// string or, with a Microsoft Entra identity, from the account's service addresses and a
/// <see cref="TokenCredential"/>. One instance per process, so the table and blob clients share
/// one credential (and its token cache).
/// </summary>
internal sealed partial class SenteAzureStorage
{
    private readonly string? connectionString;
    private readonly Uri? tableServiceUri;
    private readonly Uri? blobServiceUri;
    private readonly Lazy<TokenCredential> credential;

    public SenteAzureStorage(SenteClusterOptions options)
    {
        connectionString = string.IsNullOrWhiteSpace(options.ConnectionString) ? null : options.ConnectionString;
        if (connectionString is null)
        {
            (tableServiceUri, blobServiceUri) = ServiceUris(options);
        }

        var given = options.Credential;
        credential = new(() => given ?? new DefaultAzureCredential());
    }

    /// <summary>True when the clients authenticate with a token credential rather than a connection string.</summary>
    public bool UsesCredential => connectionString is null;

    public TableServiceClient TableServiceClient() =>
        connectionString is not null
            ? new TableServiceClient(connectionString)
            : new TableServiceClient(tableServiceUri ?? throw new InvalidOperationException("No table service address."), credential.Value);

    public BlobServiceClient BlobServiceClient() =>
        connectionString is not null
            ? new BlobServiceClient(connectionString)
            : new BlobServiceClient(blobServiceUri ?? throw new InvalidOperationException("No blob service address."), credential.Value);

    /// <summary>The table and blob service addresses given by name or by address (either may be null when not given).</summary>
    internal static (Uri? Table, Uri? Blob) ServiceUris(SenteClusterOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.StorageAccountName))
        {
            var name = options.StorageAccountName.Trim();
            return (new Uri($"https://{name}.table.core.windows.net/"), new Uri($"https://{name}.blob.core.windows.net/"));
        }

        return (ParseServiceUri(options.TableServiceUri), ParseServiceUri(options.BlobServiceUri));
    }

    /// <summary>An absolute https address, or null: a bearer token is never sent over plain HTTP.</summary>
    internal static Uri? ParseServiceUri(string? value) =>
        Uri.TryCreate(value?.Trim(), UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps ? uri : null;

    /// <summary>Azure's rule for a storage account name: 3 to 24 lowercase letters and digits.</summary>
    internal static bool IsAccountName(string name) => AccountName().IsMatch(name);

    [GeneratedRegex("^[a-z0-9]{3,24}$")]
    private static partial Regex AccountName();
}
