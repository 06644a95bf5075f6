using StacPkg.Core.Stores;

namespace StacPkg.Core.Lock;

/// <summary>One row of the asset lock (schema v1): an asset's location and the object facts observed when it was locked.</summary>
public sealed class AssetLockEntry
{
    public string ItemId { get; set; } = "";
    public string AssetKey { get; set; } = "";
    public string StoreType { get; set; } = "";
    /// <summary>The bucket or container, or for http(s) the URL origin: one with credentials in its user info is refused.</summary>
    /// <exception cref="FormatException">The value carries credentials.</exception>
    public string? StoreContainer
    {
        get => _storeContainer;
        set => _storeContainer = value is null || !value.Contains('@') || ReferenceEquals(AssetLocation.WithoutCredentials(value), value)
            ? value
            : throw new FormatException($"store_container '{AssetLocation.Redact(value)}' carries user credentials; they are never stored in a lock");
    }

    private string? _storeContainer;
    /// <summary>
    /// The custom endpoint. A value that may carry user info or a query ('@', '?', '#') must pass
    /// <see cref="StoreEndpoint.Check"/>, so a row never holds a secret; any other text is left for
    /// the store to judge when it is used.
    /// </summary>
    /// <exception cref="FormatException">The value carries credentials or a query.</exception>
    public string? StoreEndpointUrl
    {
        get => _storeEndpointUrl;
        set => _storeEndpointUrl = value is null || value.IndexOfAny(['@', '?', '#']) < 0 ? value : CheckedEndpoint(value);
    }

    private string? _storeEndpointUrl;

    private static string CheckedEndpoint(string value)
    {
        try
        {
            return StoreEndpoint.Check(value);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"store_endpoint_url: {ex.Message}", ex);
        }
    }

    /// <summary>The object key or path: one with signing parameters (<see cref="SigningParameters"/>) is refused.</summary>
    /// <exception cref="FormatException">The value carries signing parameters.</exception>
    public string Key
    {
        get => _key;
        set => _key = value is null || !value.Contains('?') || ReferenceEquals(SigningParameters.Remove(value, out _), value)
            ? value!
            : throw new FormatException($"key '{SigningParameters.Remove(value, out _)}' carries signing parameters (a SAS, a presigned URL or a token); they are never stored in a lock");
    }

    private string _key = "";
    public long? SizeBytes { get; set; }
    public string? ETag { get; set; }

    /// <summary>ISO-8601 UTC, as stored.</summary>
    public string? LastModified { get; set; }

    /// <summary>Multihash hex (sha2-256: "1220…"), when known.</summary>
    public string? FileChecksum { get; set; }

    /// <summary>
    /// The package folder this row was read from, or null. A bundled row's key (<c>assets/…</c>) is a
    /// path inside that package, and a package's file rows may be read only inside it or inside a
    /// folder the user names (<see cref="LocalPathPolicy"/>). Not a lock column: it says where the row came from.
    /// </summary>
    public string? PackageRoot { get; set; }

    public AssetLocation Location => new(StoreType, StoreContainer, StoreEndpointUrl, Key);

    /// <summary>The href rebuilt from the location fields.</summary>
    public string Href => Location.ToHref();

    /// <summary>A copy that can be changed without touching this entry.</summary>
    public AssetLockEntry Clone() => (AssetLockEntry)MemberwiseClone();

    public override string ToString() => $"{ItemId}/{AssetKey}";
}
