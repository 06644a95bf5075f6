using StacPkg.Core.GeoParquet;
using StacPkg.Core.Lock;
using StacPkg.Core.Stores;

namespace StacPkg.Core.Packaging;

/// <summary>What a <see cref="StacPackageWriter"/> puts into a package.</summary>
public sealed record StacPackageOptions
{
    /// <summary>Asset key patterns (wildcards) for the lock and bundled assets; null or empty means every asset.</summary>
    public IReadOnlyList<string>? AssetKeys { get; init; }

    /// <summary>Ask each store for size, ETag and last-modified (ignored when <see cref="AssetLock"/> is given).</summary>
    public bool Probe { get; init; } = true;

    /// <summary>Copy each locked asset's bytes into <c>assets/&lt;item_id&gt;/&lt;asset_key&gt;&lt;ext&gt;</c> (names made unique by <see cref="BundledAssetNames"/>).</summary>
    public bool IncludeAssets { get; init; }

    /// <summary>Extra files copied into the package root (README, licence).</summary>
    public IReadOnlyList<string>? Include { get; init; }

    /// <summary>A lock to use instead of deriving one from the Items.</summary>
    public IReadOnlyList<AssetLockEntry>? AssetLock { get; init; }

    /// <summary>Keep signing parameters (SAS, presigned URLs, tokens) in the hrefs of items.parquet; by default they are removed.</summary>
    public bool KeepSignedHrefs { get; init; }

    /// <summary>How items.parquet is laid out (compression, row groups, order, Collections).</summary>
    public GeoParquetWriteOptions Items { get; init; } = GeoParquetWriteOptions.Default;

    /// <summary>Replace an existing package at the target.</summary>
    public bool Force { get; init; }

    /// <summary>Probes and copies in flight at once.</summary>
    public int ThrottleLimit { get; init; } = AssetValidationOptions.DefaultThrottleLimit;

    /// <summary>
    /// Which local files bundling may read, and where relative file hrefs resolve. The default reads
    /// any path: a caller bundling Items it did not make sets a restricting policy.
    /// </summary>
    public LocalPathPolicy LocalSources { get; init; } = LocalPathPolicy.AnyPath();

    public RetryPolicy Retry { get; init; } = RetryPolicy.Default;
}
