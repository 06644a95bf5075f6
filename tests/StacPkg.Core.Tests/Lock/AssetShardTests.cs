using StacPkg.Core.Lock;

namespace StacPkg.Core.Tests.Lock;

public sealed class AssetShardTests
{
    // Values computed outside .NET (Python hashlib) from the documented definition: the assignment is a
    // contract between machines, so a change of hash, byte order or encoding must fail here.
    [Theory]
    [InlineData("S2B_MSIL2A_20220101", "B04", 4, 0)]
    [InlineData("S2B_MSIL2A_20220101", "B04", 1000, 996)]
    [InlineData("item-1", "visual", 7, 5)]
    [InlineData("item-1", "visual", 1000, 212)]
    [InlineData("ä/é", "thumb nail", 4, 3)]
    [InlineData("ä/é", "thumb nail", 1000, 335)]
    public void ShardIsTheDocumentedHash(string itemId, string assetKey, int count, int expected) =>
        Assert.Equal(expected, AssetShard.Of(itemId, assetKey, count));

    [Fact]
    public void EveryRowIsInExactlyOneShardAndShardsAreBalanced()
    {
        const int count = 4;
        var shards = Enumerable.Range(0, count).Select(i => new AssetShard(i, count)).ToArray();
        var sizes = new int[count];
        for (var item = 0; item < 2000; item++)
        {
            foreach (var asset in new[] { "visual", "B04", "thumbnail" })
            {
                var holders = shards.Where(s => s.Contains($"item-{item}", asset)).ToList();
                Assert.Single(holders);
                sizes[holders[0].Index]++;
            }
        }
        // 6000 rows over 4 shards: each within 10% of 1500.
        Assert.All(sizes, size => Assert.InRange(size, 1350, 1650));
    }

    [Fact]
    public void ItemAndAssetBoundaryMatters() =>
        Assert.NotEqual(
            Enumerable.Range(0, 50).Select(n => AssetShard.Of($"a{n}", "bc", 1000)),
            Enumerable.Range(0, 50).Select(n => AssetShard.Of($"a{n}b", "c", 1000)));

    private static Func<string, string?> Env(params (string Name, string Value)[] values) =>
        name => values.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void NothingAskedMeansNoSharding() =>
        Assert.Null(AssetShard.Resolve(null, null, Env(("JOB_COMPLETION_INDEX", "2"))));

    [Fact]
    public void ParametersWin()
    {
        var shard = AssetShard.Resolve(1, 3, Env(("SYSTEM_JOBPOSITIONINPHASE", "2"), ("SYSTEM_TOTALJOBSINPHASE", "4")))!;
        Assert.Equal((1, 3, "parameters"), (shard.Index, shard.Count, shard.Source));
    }

    [Fact]
    public void AzurePipelinesPositionIsOneBased()
    {
        var shard = AssetShard.Resolve(null, null, Env(("SYSTEM_JOBPOSITIONINPHASE", "4"), ("SYSTEM_TOTALJOBSINPHASE", "4")))!;
        Assert.Equal((3, 4), (shard.Index, shard.Count));
        Assert.Contains("SYSTEM_JOBPOSITIONINPHASE", shard.Source);
    }

    [Fact]
    public void ACountOfOneIsTheWholeLockWhateverTheEngineSays()
    {
        var shard = AssetShard.Resolve(null, 1, Env(("SYSTEM_JOBPOSITIONINPHASE", "3"), ("SYSTEM_TOTALJOBSINPHASE", "4")))!;
        Assert.Equal((0, 1), (shard.Index, shard.Count));
    }

    [Fact]
    public void KubernetesIndexNeedsTheCountGiven()
    {
        Assert.Null(AssetShard.Resolve(null, null, Env(("JOB_COMPLETION_INDEX", "2"))));
        var shard = AssetShard.Resolve(null, 5, Env(("JOB_COMPLETION_INDEX", "2")))!;
        Assert.Equal((2, 5), (shard.Index, shard.Count));
    }

    [Theory]
    [InlineData(2, null, null, "-ShardIndex needs -ShardCount")]
    [InlineData(null, 4, null, "-ShardCount 4 needs -ShardIndex")]
    [InlineData(4, 4, null, "from 0 to 3")]
    [InlineData(null, null, "x", "SYSTEM_TOTALJOBSINPHASE is 'x'")]
    public void IncompleteOrWrongValuesAreRefused(int? index, int? count, string? total, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => AssetShard.Resolve(index, count, Env(("SYSTEM_TOTALJOBSINPHASE", total!))));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void AnEnginePositionBeyondTheCountNamesTheVariables()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            AssetShard.Resolve(null, null, Env(("SYSTEM_JOBPOSITIONINPHASE", "5"), ("SYSTEM_TOTALJOBSINPHASE", "4"))));
        Assert.Contains("SYSTEM_JOBPOSITIONINPHASE", error.Message);
    }
}
