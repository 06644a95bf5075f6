using StacPkg.Core.Stores;

namespace StacPkg.Core.Lock;

/// <summary>How <see cref="AssetValidator"/> checks lock rows.</summary>
public sealed record AssetValidationOptions
{
    /// <summary>Checks in flight at once unless told otherwise: I/O-bound, so more than the cores.</summary>
    public const int DefaultThrottleLimit = 16;

    /// <summary>Checks in flight at once (-ThrottleLimit).</summary>
    public int ThrottleLimit { get; init; } = DefaultThrottleLimit;

    /// <summary>Read each object's content and compare its sha2-256 multihash with file_checksum (-Checksum).</summary>
    public bool Checksum { get; init; }

    /// <summary>
    /// Where file rows' keys resolve: a package's bundled rows inside their package, other relative
    /// keys against the policy's base directory. The default reads any path.
    /// </summary>
    public LocalPathPolicy LocalSources { get; init; } = LocalPathPolicy.AnyPath();

    /// <summary>Retries of transient failures before a row is judged.</summary>
    public RetryPolicy Retry { get; init; } = RetryPolicy.Default;
}
