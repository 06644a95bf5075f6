namespace StacPkg.Core.Stores;

/// <summary>Endpoints and credentials for the stores; anything unset comes from the environment (AWS chain, AZURE_STORAGE_CONNECTION_STRING).</summary>
public sealed record StoreOptions
{
    /// <summary>S3-compatible endpoint for rows that name none (-EndpointUrl); else AWS_ENDPOINT_URL; else AWS.</summary>
    public string? S3EndpointUrl { get; init; }

    /// <summary>Azure Storage connection string; else AZURE_STORAGE_CONNECTION_STRING.</summary>
    public string? AzureConnectionString { get; init; }

    /// <summary>Azure account key (with the account URL from the row), or a SAS token.</summary>
    public string? AzureAccountKey { get; init; }
    public string? AzureSasToken { get; init; }

    /// <summary>
    /// A Microsoft Entra ID credential for Azure Storage. Without one, AZURE_STORAGE_AUTH_MODE=login
    /// (the Azure CLI's convention) selects the default chain: environment, workload or managed identity, Azure CLI.
    /// </summary>
    public Azure.Core.TokenCredential? AzureTokenCredential { get; init; }

    /// <summary>How long an http(s) response's headers, or the next bytes of its body, may take before the attempt fails (and is retried); null: <see cref="HttpStore.DefaultTimeout"/>.</summary>
    public TimeSpan? HttpTimeout { get; init; }

    /// <summary>Base directory for relative file paths.</summary>
    public string? BaseDirectory { get; init; }
}
