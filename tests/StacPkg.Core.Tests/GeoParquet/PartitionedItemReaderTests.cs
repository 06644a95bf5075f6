using StacPkg.Core.GeoParquet;
using StacPkg.Core.Stac;
using StacPkg.Core.Tests.Support;

namespace StacPkg.Core.Tests.GeoParquet;

/// <summary>Reading partitioned folders: pruning by collection, folders DuckDB wrote, Items that disagree with their folder.</summary>
public sealed class PartitionedItemReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("stacpkg-partitions-read-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<List<StacReadResult>> ReadAsync(string folder, Func<string?, bool>? collection = null)
    {
        var results = new List<StacReadResult>();
        await foreach (var result in PartitionedItemReader.ReadAsync(folder, collection, default))
        {
            results.Add(result);
        }
        return results;
    }

    private async Task<string> WriteAsync(IEnumerable<StacItem> items)
    {
        var path = Path.Combine(_dir, "ds");
        await using var writer = new PartitionedItemWriter(path, [ItemPartitionKey.Collection], replace: false);
        foreach (var item in items)
        {
            await writer.WriteAsync(item, default);
        }
        await writer.CompleteAsync(default);
        return path;
    }

    [Fact]
    public async Task A_collection_filter_skips_other_partitions_without_opening_their_files()
    {
        var folder = await WriteAsync([
            PartitionedItemWriterTests.Item("a1", "a", "2024-01-01T00:00:00Z"),
            PartitionedItemWriterTests.Item("b1", "b", "2024-01-01T00:00:00Z"),
            PartitionedItemWriterTests.Item("n1", null, "2024-01-01T00:00:00Z"),
        ]);
        // Damage a's file: opening it would be an error result.
        File.WriteAllText(Path.Combine(folder, "collection=a", "part-0.parquet"), "not parquet");

        var onlyB = await ReadAsync(folder, c => c == "b");
        Assert.Equal(["b1"], onlyB.Select(r => r.Item?.Id));

        var all = await ReadAsync(folder);
        var damaged = Assert.Single(all, r => r.Error is not null).Error!;
        Assert.Contains(Path.Combine("collection=a", "part-0.parquet"), damaged.Message);
        // The damaged file stops only itself: the partitions after it are read ('_' sorts before 'a').
        Assert.Equal(["n1", "b1"], all.Where(r => r.Item is not null).Select(r => r.Item!.Id));
    }

    [Fact]
    public async Task An_Item_whose_collection_differs_from_its_folder_is_an_error_naming_both()
    {
        var folder = await WriteAsync([PartitionedItemWriterTests.Item("a1", "a", "2024-01-01T00:00:00Z")]);
        Directory.Move(Path.Combine(folder, "collection=a"), Path.Combine(folder, "collection=z"));

        var error = Assert.Single(await ReadAsync(folder)).Error!;

        Assert.Equal("a1", error.ItemId);
        Assert.Contains("'a'", error.Message);
        Assert.Contains("'z'", error.Message);
    }

    [SkippableFact]
    public async Task A_folder_DuckDB_partitioned_gets_each_Items_collection_back_from_its_path()
    {
        DuckDb.RequireAvailable();
        var items = Fixtures.LoadItems("stac-geoparquet/naip-pc.json")
            .Concat(Fixtures.LoadItems("stac-geoparquet/sentinel-2-l2a-pc.json")).ToList();
        var file = await GeoParquetRoundTripTests.WriteAsync(Path.Combine(_dir, "items.parquet"), items);
        var folder = Path.Combine(_dir, "by-duckdb");
        // DuckDB leaves the partition column out of the files.
        DuckDb.Query($"COPY (SELECT * FROM read_parquet({DuckDb.Literal(file)})) TO {DuckDb.Literal(folder)} (FORMAT parquet, PARTITION_BY (collection)); SELECT 1");
        Assert.True(HivePartitionFolder.IsPartitioned(folder));

        var back = await ReadAsync(folder);

        Assert.All(back, r => Assert.Null(r.Error));
        Assert.Equal(
            items.Select(i => (i.Collection, i.Id)).Order(),
            back.Select(r => (r.Item!.Collection, r.Item.Id)).Order());
        Assert.Equal(["naip", "sentinel-2-l2a"], back.Select(r => r.Item!.Collection).Distinct());
    }
}
