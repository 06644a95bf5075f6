namespace StacPkg.Core.Enrichment;

/// <summary>An enrichment step that cannot apply to one Item (a missing asset or alternate); the message names both.</summary>
public class StacEnrichmentException : Exception
{
    public StacEnrichmentException(string itemId, string assetKey, string message) : base(message)
    {
        ItemId = itemId;
        AssetKey = assetKey;
    }

    public string ItemId { get; }
    public string AssetKey { get; }
}
