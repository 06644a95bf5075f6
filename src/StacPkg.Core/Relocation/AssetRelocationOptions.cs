using StacPkg.Core.Stores;

namespace StacPkg.Core.Relocation;

/// <summary>How <see cref="AssetRelocator"/> copies: which rows, how many at once, how much memory, and what to do with existing targets.</summary>
public sealed record AssetRelocationOptions
{
    public const int DefaultThrottleLimit = 8;
    public const long DefaultChunkSize = 8L * 1024 * 1024;
    public const long DefaultMemoryLimit = 256L * 1024 * 1024;

    public RelocationLayout Layout { get; init; } = RelocationLayout.ItemAsset;

    /// <summary>Only rows whose href starts with this relocate; the others pass through unchanged. Null: every row.</summary>
    public string? SourcePrefix { get; init; }

    /// <summary>Rows copied at once, at most.</summary>
    public int ThrottleLimit { get; init; } = DefaultThrottleLimit;

    /// <summary>Bytes of copy buffers one copy holds (the part or block size of the target store).</summary>
    public long ChunkSize { get; init; } = DefaultChunkSize;

    /// <summary>Bytes of copy buffers all copies together may hold; chunk size × copies in flight never exceeds it.</summary>
    public long MemoryLimit { get; init; } = DefaultMemoryLimit;

    /// <summary>Replace an existing target that differs from the source, instead of failing that row.</summary>
    public bool Force { get; init; }

    /// <summary>
    /// Which local files the source rows may have read, and where their relative keys resolve. The
    /// default reads any path: a caller relocating rows it did not make (a lock from elsewhere) sets a
    /// restricting policy.
    /// </summary>
    public LocalPathPolicy LocalSources { get; init; } = LocalPathPolicy.AnyPath();

    public RetryPolicy Retry { get; init; } = RetryPolicy.Default;
}
