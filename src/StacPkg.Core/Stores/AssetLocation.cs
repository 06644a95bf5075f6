namespace StacPkg.Core.Stores;

/// <summary>
/// Where an asset lives, as the lock stores it: store type (file, s3, az, gs, http, https), container
/// (bucket, blob container, or URL origin for http(s)), custom endpoint, and key. Never holds a secret.
/// (Parse/ToHref are being implemented: signatures fixed.)
/// </summary>
public sealed record AssetLocation(string StoreType, string? Container, string? EndpointUrl, string Key)
{
    /// <summary>
    /// Splits an href into a location. Relative file paths are resolved against
    /// <paramref name="baseDirectory"/> when given, else kept relative. Signed query strings (SAS
    /// <c>sig</c>, <c>X-Amz-Signature</c>, …) and every other query string are dropped;
    /// <paramref name="droppedQuery"/> says whether one was.
    /// </summary>
    /// <exception cref="FormatException">The href is not a supported form; the message names it (without its query).</exception>
    public static AssetLocation Parse(string href, string? baseDirectory, out bool droppedQuery) =>
        throw new NotImplementedException();

    /// <summary>The href rebuilt from the location fields.</summary>
    public string ToHref() => throw new NotImplementedException();
}
