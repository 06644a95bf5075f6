using StacPkg.Core.Json;
using StacPkg.Core.Stac;

namespace StacPkg.Core.Enrichment;

/// <summary>
/// The Alternate Assets extension (v1.2.0) on copies of Items: an asset's <c>alternate</c> object
/// maps names to objects with at least an href; <c>alternate:name</c> names a location (on the
/// asset for its primary href, in an alternate for that one).
/// </summary>
public static class AlternateAssets
{
    public const string AlternateField = "alternate";
    public const string NameField = "alternate:name";

    /// <summary>Adds or replaces <c>alternate.&lt;name&gt;</c> on a copy of the Item.</summary>
    /// <exception cref="StacEnrichmentException">The Item has no asset <paramref name="assetKey"/>.</exception>
    public static StacItem Add(StacItem item, string assetKey, string name, string href, string? title = null, string? alternateName = null)
    {
        CheckName(name);
        var copy = StacItemCopy.Clone(item);
        var alternate = new JsonMap { ["href"] = href };
        if (title is not null) alternate["title"] = title;
        if (alternateName is not null) alternate[NameField] = alternateName;
        Set(AssetOf(copy, assetKey), name, alternate);
        StacExtensionUris.Declare(copy, StacExtensionUris.AlternateAssets);
        return copy;
    }

    /// <summary>
    /// Promotes <c>alternate.&lt;name&gt;</c> to the asset's primary href on a copy of the Item. The
    /// old primary is kept as an alternate under <paramref name="previousName"/>, by default under
    /// <paramref name="name"/> itself (a swap, so switching twice restores the Item). The two
    /// <c>alternate:name</c> values swap with the hrefs; other fields of the alternate stay with it.
    /// An alternate already named <paramref name="previousName"/> (other than the promoted one) is
    /// refused, so no location is silently lost, unless <paramref name="replace"/> is set.
    /// </summary>
    /// <exception cref="StacEnrichmentException">The asset or the alternate is missing.</exception>
    /// <exception cref="AlternateNameTakenException">Another alternate already holds <paramref name="previousName"/>.</exception>
    public static StacItem Switch(StacItem item, string assetKey, string name, string? previousName = null, bool replace = false)
    {
        previousName ??= name;
        CheckName(previousName);
        var copy = StacItemCopy.Clone(item);
        var asset = AssetOf(copy, assetKey);
        var alternates = Alternates(asset);
        if (alternates?.Get(name) is not JsonMap promoted)
        {
            throw Missing(copy.Id, assetKey, name);
        }
        if (promoted.Get("href") is not string href)
        {
            throw new StacEnrichmentException(copy.Id, assetKey, $"item '{copy.Id}' asset '{assetKey}': alternate '{name}' has no href");
        }
        if (!replace && previousName != name && alternates.ContainsKey(previousName))
        {
            throw new AlternateNameTakenException(copy.Id, assetKey, previousName);
        }
        var previous = new JsonMap(promoted) { ["href"] = asset.Href };
        previous.Remove(NameField);
        if (asset.AdditionalFields.Get(NameField) is string primaryName)
        {
            previous[NameField] = primaryName;
        }
        if (promoted.Get(NameField) is string promotedName)
        {
            asset.AdditionalFields[NameField] = promotedName;
        }
        else
        {
            asset.AdditionalFields.Remove(NameField);
        }
        asset.Href = href;
        alternates.Remove(name);
        alternates[previousName] = previous;
        StacExtensionUris.Declare(copy, StacExtensionUris.AlternateAssets);
        return copy;
    }

    /// <summary>Removes <c>alternate.&lt;name&gt;</c> from a copy of the Item, and the empty <c>alternate</c> object with it.</summary>
    /// <exception cref="StacEnrichmentException">The asset or the alternate is missing.</exception>
    public static StacItem Remove(StacItem item, string assetKey, string name)
    {
        var copy = StacItemCopy.Clone(item);
        var asset = AssetOf(copy, assetKey);
        var alternates = Alternates(asset);
        if (alternates is null || !alternates.Remove(name))
        {
            throw Missing(copy.Id, assetKey, name);
        }
        if (alternates.Count == 0)
        {
            asset.AdditionalFields.Remove(AlternateField);
        }
        // The declaration stays while any asset still uses the extension, including alternate:name on an asset.
        if (!copy.Assets.Values.Any(UsesExtension))
        {
            copy.StacExtensions.Remove(StacExtensionUris.AlternateAssets);
        }
        return copy;
    }

    /// <summary>Sets <c>alternate.&lt;name&gt;</c> on an asset (already a copy), creating the <c>alternate</c> object when needed.</summary>
    internal static void Set(StacAsset asset, string name, JsonMap alternate)
    {
        var alternates = Alternates(asset);
        if (alternates is null)
        {
            alternates = new JsonMap();
            asset.AdditionalFields[AlternateField] = alternates;
        }
        alternates[name] = alternate;
    }

    private static JsonMap? Alternates(StacAsset asset) => asset.AdditionalFields.Get(AlternateField) as JsonMap;

    private static bool UsesExtension(StacAsset asset) =>
        asset.AdditionalFields.ContainsKey(AlternateField) || asset.AdditionalFields.ContainsKey(NameField);

    private static StacAsset AssetOf(StacItem item, string assetKey) =>
        item.Assets.TryGetValue(assetKey, out var asset)
            ? asset
            : throw new StacEnrichmentException(item.Id, assetKey, $"item '{item.Id}' has no asset '{assetKey}'");

    private static StacEnrichmentException Missing(string itemId, string assetKey, string name) =>
        new(itemId, assetKey, $"item '{itemId}' asset '{assetKey}' has no alternate '{name}'");

    private static void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new ArgumentException("An alternate name must not be empty.", nameof(name));
        }
    }
}
