namespace StacPkg.Core.Lock;

/// <summary>
/// What <see cref="AssetLockMerge"/> did: the rows written, or, when the shard locks do not cover the
/// reference exactly, the rows missing from every shard lock and the shard rows the reference lacks
/// (with the shard lock each came from); then nothing was written.
/// </summary>
public sealed record AssetLockMergeResult(
    string Destination,
    long RowsWritten,
    IReadOnlyList<AssetLockEntry> MissingRows,
    IReadOnlyList<(AssetLockEntry Entry, string ShardLock)> UnexpectedRows,
    bool Written);
