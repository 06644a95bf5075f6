using StacPkg.Core.Lock;
using StacPkg.Core.Tests.Support;

namespace StacPkg.Core.Tests.Lock;

public sealed class AssetLockMergeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("stacpkg-merge-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static List<AssetLockEntry> Reference() =>
        Enumerable.Range(0, 40).SelectMany(i => new[] { "visual", "thumbnail" }.Select(a => new AssetLockEntry
        {
            ItemId = $"item-{i:D2}", AssetKey = a, StoreType = "file", Key = $"/data/{i}/{a}.tif", SizeBytes = i,
        })).ToList();

    /// <summary>Writes one lock per shard, each row in the shard the hash assigns it, in a scrambled order.</summary>
    private async Task<List<string>> WriteShardsAsync(IEnumerable<AssetLockEntry> rows, int count)
    {
        var files = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var shard = new AssetShard(i, count);
            var file = Path.Combine(_dir, $"shard-{i}.parquet");
            await AssetLockFile.WriteAsync(file, rows.Where(shard.Contains).Reverse(), CancellationToken.None);
            files.Add(file);
        }
        return files;
    }

    private static async Task<List<AssetLockEntry>> ReadAsync(string path)
    {
        var rows = new List<AssetLockEntry>();
        await foreach (var r in AssetLockFile.ReadAsync(path, CancellationToken.None)) rows.Add(r.Entry!);
        return rows;
    }

    [SkippableFact]
    public async Task A_shard_lock_with_a_row_that_breaks_a_rule_is_refused_and_nothing_is_written()
    {
        DuckDb.RequireAvailable();
        var good = Path.Combine(_dir, "good.parquet");
        await AssetLockFile.WriteAsync(good, Reference().Take(2), CancellationToken.None);
        // Written by DuckDB: our own writer refuses such a row.
        var bad = Path.Combine(_dir, "bad.parquet");
        DuckDb.Query($$"""
            COPY (SELECT 'item-99' AS item_id, 'visual' AS asset_key, 'file' AS store_type, '/data/x.tif' AS key, -5::BIGINT AS size_bytes)
            TO {{DuckDb.Literal(bad)}} (FORMAT parquet)
            """);
        var merged = Path.Combine(_dir, "merged.parquet");
        var ex = await Assert.ThrowsAsync<AssetLockException>(() => AssetLockMerge.MergeAsync([good, bad], null, merged, CancellationToken.None));
        Assert.Equal($"{bad}: row 1: item 'item-99' asset 'visual': size_bytes -5 is negative", ex.Message);
        Assert.False(File.Exists(merged));
    }

    [Fact]
    public async Task ShardsMergeInTheReferenceOrder()
    {
        var reference = Reference();
        var shards = await WriteShardsAsync(reference, 4);
        var target = Path.Combine(_dir, "merged.parquet");

        var result = await AssetLockMerge.MergeAsync(shards, reference, target, CancellationToken.None);

        Assert.True(result.Written);
        Assert.Equal(reference.Count, result.RowsWritten);
        Assert.Equal(reference.Select(e => e.ToString()), (await ReadAsync(target)).Select(e => e.ToString()));
    }

    [Fact]
    public async Task WithoutReferenceRowsAreOrderedByItemAndAsset()
    {
        var reference = Reference();
        var target = Path.Combine(_dir, "merged.parquet");
        await AssetLockMerge.MergeAsync(await WriteShardsAsync(reference, 3), null, target, CancellationToken.None);

        var expected = reference.OrderBy(e => e.ItemId, StringComparer.Ordinal).ThenBy(e => e.AssetKey, StringComparer.Ordinal);
        Assert.Equal(expected.Select(e => e.ToString()), (await ReadAsync(target)).Select(e => e.ToString()));
    }

    [Fact]
    public async Task AMissingShardIsReportedAndNothingIsWritten()
    {
        var reference = Reference();
        var shards = await WriteShardsAsync(reference, 4);
        var target = Path.Combine(_dir, "merged.parquet");
        File.WriteAllText(target, "previous");

        var result = await AssetLockMerge.MergeAsync(shards.Take(3).ToList(), reference, target, CancellationToken.None);

        Assert.False(result.Written);
        var lost = reference.Where(new AssetShard(3, 4).Contains).Select(e => e.ToString());
        Assert.Equal(lost, result.MissingRows.Select(e => e.ToString()));
        Assert.Equal("previous", File.ReadAllText(target));
    }

    [Fact]
    public async Task ARowNotInTheReferenceIsReported()
    {
        var reference = Reference();
        var shards = await WriteShardsAsync(reference, 2);
        var result = await AssetLockMerge.MergeAsync(shards, reference.Skip(1).ToList(), Path.Combine(_dir, "merged.parquet"), CancellationToken.None);

        Assert.False(result.Written);
        var (entry, shardLock) = Assert.Single(result.UnexpectedRows);
        Assert.Equal(reference[0].ToString(), entry.ToString());
        Assert.Equal(shards[new AssetShard(0, 2).Contains(reference[0]) ? 0 : 1], shardLock);
        Assert.False(File.Exists(Path.Combine(_dir, "merged.parquet")));
    }

    [Fact]
    public async Task OverlappingShardLocksAreRefused()
    {
        var reference = Reference();
        var shards = await WriteShardsAsync(reference, 2);
        var error = await Assert.ThrowsAsync<AssetLockException>(() =>
            AssetLockMerge.MergeAsync([shards[0], shards[1], shards[0]], reference, Path.Combine(_dir, "merged.parquet"), CancellationToken.None));
        Assert.Contains("also in", error.Message);
        Assert.Contains(shards[0], error.Message);
        Assert.False(File.Exists(Path.Combine(_dir, "merged.parquet")));
    }
}
