namespace StacPkg.Core.Relocation;

/// <summary>How a relocated asset's key is formed under the destination prefix.</summary>
public enum RelocationLayout
{
    /// <summary><c>prefix/&lt;item_id&gt;/&lt;asset_key&gt;&lt;source extension&gt;</c>, ids sanitised.</summary>
    ItemAsset,

    /// <summary>The source key kept as it is under the prefix (a path's root dropped).</summary>
    SourceKey,
}
