namespace StacPkg.Core.Lock;

/// <summary>
/// Combines the locks written by the shards of one run (<see cref="AssetShard"/>) into one lock.
/// A row in two shard locks is refused; with the lock the run started from as the reference, a
/// reference row found in no shard lock (a shard that failed or was never run) and a shard row the
/// reference does not have are reported, and the merged lock is then not written: a partial lock
/// must not pass for the whole run.
/// </summary>
public static class AssetLockMerge
{
    /// <summary>
    /// Reads every shard lock and, when nothing is missing or unexpected, writes the merged lock
    /// atomically to <paramref name="destination"/>: rows in the reference's order, or without a
    /// reference ordered by (item_id, asset_key) ordinally, so the same shards always give the same file.
    /// The rows are held in memory while merging (a few hundred bytes each).
    /// </summary>
    /// <exception cref="AssetLockException">A shard lock is unreadable, has a bad row, or repeats a row of another shard lock.</exception>
    public static async Task<AssetLockMergeResult> MergeAsync(
        IReadOnlyList<string> shardLocks, IReadOnlyList<AssetLockEntry>? reference, string destination, CancellationToken cancellationToken)
    {
        var rows = new Dictionary<(string ItemId, string AssetKey), (AssetLockEntry Entry, string File)>();
        foreach (var file in shardLocks)
        {
            await foreach (var read in AssetLockFile.ReadAsync(file, cancellationToken).ConfigureAwait(false))
            {
                var entry = read.Entry ?? throw read.Error!;
                if (!rows.TryAdd((entry.ItemId, entry.AssetKey), (entry, file)))
                {
                    var first = rows[(entry.ItemId, entry.AssetKey)];
                    throw new AssetLockException(file, null,
                        $"asset '{entry.AssetKey}' of item '{entry.ItemId}' is also in '{first.File}': shard locks must not overlap (were two shards run with the same index, or with different counts?)");
                }
            }
        }

        if (reference is null)
        {
            var sorted = rows.Values.Select(r => r.Entry)
                .OrderBy(e => e.ItemId, StringComparer.Ordinal).ThenBy(e => e.AssetKey, StringComparer.Ordinal);
            var count = await AssetLockFile.WriteAsync(destination, sorted, cancellationToken).ConfigureAwait(false);
            return new AssetLockMergeResult(destination, count, [], [], Written: true);
        }

        // Each reference row takes its shard row out; what is left over, no reference row asked for.
        var missing = new List<AssetLockEntry>();
        var merged = new List<AssetLockEntry>(reference.Count);
        foreach (var expected in reference)
        {
            if (rows.Remove((expected.ItemId, expected.AssetKey), out var found))
            {
                merged.Add(found.Entry);
            }
            else
            {
                missing.Add(expected);
            }
        }
        var unexpected = rows.Values.Select(r => (r.Entry, r.File)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
        {
            return new AssetLockMergeResult(destination, 0, missing, unexpected, Written: false);
        }
        var written = await AssetLockFile.WriteAsync(destination, merged, cancellationToken).ConfigureAwait(false);
        return new AssetLockMergeResult(destination, written, missing, unexpected, Written: true);
    }
}
