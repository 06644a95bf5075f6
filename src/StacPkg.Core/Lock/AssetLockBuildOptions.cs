using StacPkg.Core.Stores;

namespace StacPkg.Core.Lock;

/// <summary>Which assets of an Item become lock rows, and how probing runs.</summary>
public sealed record AssetLockBuildOptions
{
    /// <summary>Asset key patterns (wildcards); null or empty means every asset.</summary>
    public IReadOnlyList<string>? AssetKeys { get; init; }

    /// <summary>Also lock assets whose key is <c>metadata</c> or whose roles include <c>metadata</c>.</summary>
    public bool IncludeMetadata { get; init; }

    /// <summary>Base directory for relative hrefs; null keeps them relative.</summary>
    public string? BaseDirectory { get; init; }

    /// <summary>Probes in flight at once.</summary>
    public int ThrottleLimit { get; init; } = AssetValidationOptions.DefaultThrottleLimit;

    public RetryPolicy Retry { get; init; } = RetryPolicy.Default;
}
