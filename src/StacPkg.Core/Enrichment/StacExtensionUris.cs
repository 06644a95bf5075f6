using StacPkg.Core.Stac;

namespace StacPkg.Core.Enrichment;

/// <summary>The schema URIs enrichment declares, and declaring one on an Item once.</summary>
public static class StacExtensionUris
{
    public const string FileInfo = "https://stac-extensions.github.io/file/v2.1.0/schema.json";
    public const string AlternateAssets = "https://stac-extensions.github.io/alternate-assets/v1.2.0/schema.json";

    /// <summary>Adds <paramref name="uri"/> to stac_extensions unless it is already there.</summary>
    public static void Declare(StacItem item, string uri)
    {
        if (!item.StacExtensions.Contains(uri, StringComparer.Ordinal))
        {
            item.StacExtensions.Add(uri);
        }
    }
}
