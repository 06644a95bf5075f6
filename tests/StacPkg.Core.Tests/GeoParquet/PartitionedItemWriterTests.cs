using StacPkg.Core.GeoParquet;
using StacPkg.Core.Json;
using StacPkg.Core.Stac;
using StacPkg.Core.Tests.Support;

namespace StacPkg.Core.Tests.GeoParquet;

/// <summary>Hive-partitioned Item folders: layout, DuckDB's reading of them, bounded open writers, atomic commit.</summary>
public sealed class PartitionedItemWriterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("stacpkg-partitions-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static readonly ItemPartitionKey[] ByCollectionAndYear = [ItemPartitionKey.Collection, ItemPartitionKey.Year];

    internal static StacItem Item(string id, string? collection, string? datetime)
    {
        var item = GeoParquetRoundTripTests.Item(id, new JsonMap { ["datetime"] = datetime, ["n"] = (long)id.GetHashCode(StringComparison.Ordinal) });
        item.Collection = collection;
        if (datetime is null)
        {
            item.Properties["start_datetime"] = "2021-06-01T00:00:00Z";
            item.Properties["end_datetime"] = "2021-07-01T00:00:00Z";
        }
        return item;
    }

    /// <summary>Three collections over two years, a range Item, an Item without a collection, hostile collection ids.</summary>
    private static List<StacItem> MixedItems()
    {
        var items = new List<StacItem>();
        string?[] collections = ["naip", "sentinel-2-l2a", "a/b=c%d", "../../escape", "S2 L2A é", null];
        for (var i = 0; i < 30; i++)
        {
            items.Add(Item($"item-{i}", collections[i % collections.Length], i % 5 == 4 ? null : $"{2023 + i % 2}-0{1 + i % 9}-15T12:00:00Z"));
        }
        return items;
    }

    private async Task<string> WriteAsync(string name, IEnumerable<StacItem> items, ItemPartitionKey[]? keys = null, bool replace = false, int maxOpen = PartitionedItemWriter.DefaultMaxOpenPartitions)
    {
        var path = Path.Combine(_dir, name);
        await using var writer = new PartitionedItemWriter(path, keys ?? ByCollectionAndYear, replace, maxOpenPartitions: maxOpen);
        foreach (var item in items)
        {
            await writer.WriteAsync(item, default);
        }
        await writer.CompleteAsync(default);
        return path;
    }

    private static async Task<List<StacReadResult>> ReadAsync(string folder, Func<string?, bool>? collection = null)
    {
        var results = new List<StacReadResult>();
        await foreach (var result in PartitionedItemReader.ReadAsync(folder, collection, default))
        {
            results.Add(result);
        }
        return results;
    }

    private static string[] Files(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToArray();

    private string[] Entries() => Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    [Fact]
    public async Task Each_Item_lands_in_the_folder_of_its_collection_and_year_as_a_complete_GeoParquet_file()
    {
        var items = MixedItems();
        var folder = await WriteAsync("ds", items);

        var expected = items.GroupBy(i => ItemPartitioning.Folder(i, ByCollectionAndYear))
            .Select(g => $"{g.Key}/part-0.parquet").Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expected, Files(folder));
        Assert.Contains("collection=__HIVE_DEFAULT_PARTITION__/year=2021/part-0.parquet", expected);
        Assert.Contains("collection=..%2F..%2Fescape/year=2024/part-0.parquet", expected);
        foreach (var file in Files(folder))
        {
            // Each part file stands alone: its Items keep their collection column.
            var partition = file[..file.LastIndexOf('/')];
            var inFile = await GeoParquetRoundTripTests.ReadAsync(Path.Combine(folder, file));
            Assert.Equal(
                items.Where(i => ItemPartitioning.Folder(i, ByCollectionAndYear) == partition).Select(i => (i.Id, i.Collection)),
                inFile.Select(i => (i.Id, i.Collection)));
        }
    }

    [Fact]
    public async Task A_hostile_collection_id_never_writes_outside_the_folder()
    {
        var items = new[] { "../../../escape", "..", "/abs/path", "..\\..\\win", "x/../../y" }
            .Select((c, i) => Item($"h{i}", c, "2024-01-01T00:00:00Z")).ToList();

        var folder = await WriteAsync("ds", items, [ItemPartitionKey.Collection]);

        Assert.Equal(["ds"], Entries());
        Assert.Equal(5, Directory.GetDirectories(folder).Length);
        Assert.Equal(items.Select(i => i.Collection).Order(StringComparer.Ordinal),
            (await ReadAsync(folder)).Select(r => r.Item!.Collection).Order(StringComparer.Ordinal));
    }

    [SkippableFact]
    public async Task DuckDB_with_hive_partitioning_counts_every_collection_and_year_as_the_input()
    {
        DuckDb.RequireAvailable();
        var items = MixedItems();
        var folder = await WriteAsync("ds", items);

        var rows = DuckDb.Query(
            $"SELECT collection, year, count(*) AS n FROM read_parquet({DuckDb.Literal(folder + "/**/*.parquet")}, hive_partitioning = true) " +
            "GROUP BY ALL ORDER BY ALL");

        var expected = items
            .GroupBy(i => (i.Collection, Year: (long)(i.Datetime ?? DateTimeOffset.Parse((string)i.Properties["start_datetime"]!, System.Globalization.CultureInfo.InvariantCulture)).UtcDateTime.Year))
            .Select(g => $"{g.Key.Collection ?? "NULL"}|{g.Key.Year}|{g.Count()}")
            .Order(StringComparer.Ordinal);
        Assert.Equal(expected, rows
            .Select(r => $"{r.GetProperty("collection").GetString() ?? "NULL"}|{r.GetProperty("year").GetInt64()}|{r.GetProperty("n").GetInt64()}")
            .Order(StringComparer.Ordinal));
        Assert.Equal(items.Count, rows.Sum(r => r.GetProperty("n").GetInt64()));
    }

    [SkippableFact]
    public async Task DuckDB_prunes_by_the_decoded_collection_and_sees_the_missing_one_as_NULL()
    {
        DuckDb.RequireAvailable();
        var items = MixedItems();
        var folder = await WriteAsync("ds", items);
        var glob = DuckDb.Literal(folder + "/**/*.parquet");

        Assert.Equal(items.Count(i => i.Collection == "a/b=c%d"),
            DuckDb.Scalar($"SELECT count(*) FROM read_parquet({glob}, hive_partitioning = true) WHERE collection = 'a/b=c%d'").GetInt64());
        Assert.Equal(items.Where(i => i.Collection is null).Select(i => i.Id).Order(StringComparer.Ordinal),
            DuckDb.Query($"SELECT id FROM read_parquet({glob}, hive_partitioning = true) WHERE collection IS NULL ORDER BY id")
                .Select(r => r.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Many_partitions_keep_a_bounded_number_of_writers_open_and_give_one_file_each()
    {
        const int partitions = 60;
        // Round robin over 60 collections with 8 writers: the Items of 52 partitions are parked on disk.
        var interleaved = Enumerable.Range(0, 240).Select(i => Item($"i{i}", $"c{i % partitions}", "2024-01-01T00:00:00Z")).ToList();

        var folder = await WriteAsync("interleaved", interleaved, [ItemPartitionKey.Collection], maxOpen: 8);

        Assert.Equal(Enumerable.Range(0, partitions).Select(c => $"collection=c{c}/part-0.parquet").Order(StringComparer.Ordinal), Files(folder));
        var back = await ReadAsync(folder);
        Assert.All(back, r => Assert.Null(r.Error));
        Assert.Equal(interleaved.Select(i => i.Id).Order(StringComparer.Ordinal), back.Select(r => r.Item!.Id).Order(StringComparer.Ordinal));
        // Within a partition, parked Items keep their input order.
        Assert.Equal(["i59", "i119", "i179", "i239"], back.Select(r => r.Item!).Where(i => i.Collection == "c59").Select(i => i.Id));
        Assert.Equal(["interleaved"], Entries());
    }

    [Fact]
    public async Task A_partition_parked_on_disk_gives_the_same_bytes_as_one_written_at_once()
    {
        var direct = await WriteAsync("direct", MixedItems(), maxOpen: 100);
        var parked = await WriteAsync("parked", MixedItems(), maxOpen: 0);

        Assert.Equal(Files(direct), Files(parked));
        foreach (var file in Files(direct))
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(direct, file)), File.ReadAllBytes(Path.Combine(parked, file)));
        }
    }

    [Fact]
    public async Task The_same_Items_give_the_same_files_byte_for_byte()
    {
        var first = await WriteAsync("one", MixedItems(), maxOpen: 3);
        var second = await WriteAsync("two", MixedItems(), maxOpen: 3);

        Assert.Equal(Files(first), Files(second));
        foreach (var file in Files(first))
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(first, file)), File.ReadAllBytes(Path.Combine(second, file)));
        }
    }

    [Theory]
    [InlineData(100)]
    [InlineData(0)]
    public async Task An_Item_refused_is_reported_and_a_partition_of_only_refused_Items_leaves_no_folder(int maxOpen)
    {
        var path = Path.Combine(_dir, "ds");
        var bad = Item("bad", "only-bad", "2024-01-01T00:00:00Z");
        bad.Bbox = [1, 2, 3];
        await using (var writer = new PartitionedItemWriter(path, [ItemPartitionKey.Collection], replace: false, maxOpenPartitions: maxOpen))
        {
            await writer.WriteAsync(Item("good", "fine", "2024-01-01T00:00:00Z"), default);
            var error = await Assert.ThrowsAsync<StacFormatException>(async () => await writer.WriteAsync(bad, default));
            Assert.Equal("bad", error.ItemId);
            Assert.Equal(1, writer.Count);
            await writer.CompleteAsync(default);
        }

        Assert.Equal(["collection=fine/part-0.parquet"], Files(path));
    }

    [Fact]
    public async Task An_unfinished_export_leaves_no_folder_and_no_scratch_entries()
    {
        var path = Path.Combine(_dir, "ds");
        await using (var writer = new PartitionedItemWriter(path, ByCollectionAndYear, replace: false, maxOpenPartitions: 2))
        {
            foreach (var item in MixedItems())
            {
                await writer.WriteAsync(item, default);
            }
            // Disposed without CompleteAsync: a failed or stopped pipeline.
        }

        Assert.Empty(Entries());
    }

    [Fact]
    public async Task A_cancelled_completion_leaves_no_folder_and_no_scratch_entries()
    {
        var path = Path.Combine(_dir, "ds");
        using var cancel = new CancellationTokenSource();
        await using (var writer = new PartitionedItemWriter(path, ByCollectionAndYear, replace: false))
        {
            foreach (var item in MixedItems())
            {
                await writer.WriteAsync(item, default);
            }
            cancel.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => writer.CompleteAsync(cancel.Token));
        }

        Assert.Empty(Entries());
    }

    [Fact]
    public async Task An_existing_folder_is_refused_without_replace_and_a_previous_export_is_replaced_with_it()
    {
        var path = await WriteAsync("ds", MixedItems());
        var before = Files(path);

        var refused = await Assert.ThrowsAsync<IOException>(() => WriteAsync("ds", [Item("new", "other", "2020-01-01T00:00:00Z")]));
        Assert.Contains("use -Force", refused.Message);
        Assert.Equal(before, Files(path));

        await WriteAsync("ds", [Item("new", "other", "2020-01-01T00:00:00Z")], replace: true);
        Assert.Equal(["collection=other/year=2020/part-0.parquet"], Files(path));
        Assert.Equal(["ds"], Entries());
    }

    [Fact]
    public async Task A_folder_of_the_users_is_never_replaced()
    {
        var path = Path.Combine(_dir, "ds");
        Directory.CreateDirectory(Path.Combine(path, "collection=x"));
        File.WriteAllText(Path.Combine(path, "thesis.txt"), "four years of work");

        var refused = await Assert.ThrowsAsync<IOException>(() => WriteAsync("ds", MixedItems(), replace: true));

        Assert.Contains("not a partitioned Item folder", refused.Message);
        Assert.Equal("four years of work", File.ReadAllText(Path.Combine(path, "thesis.txt")));
        Assert.Equal(["ds"], Entries());
    }

    [Theory]
    [InlineData("collection=x/part-0.parquet", true)]
    [InlineData("collection=x/year=2024/part-0.parquet", true)]
    [InlineData("collection=x/_SUCCESS", true)]
    [InlineData("collection=x/notes.txt", false)]
    [InlineData("items.parquet", false)]
    [InlineData("photos/a.parquet", false)]
    public void Only_key_value_folders_of_Parquet_files_count_as_a_partitioned_folder(string file, bool partitioned)
    {
        var path = Path.Combine(_dir, "ds");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(path, file))!);
        File.WriteAllText(Path.Combine(path, file), "");

        Assert.Equal(partitioned, HivePartitionFolder.IsPartitioned(path));
    }

    [Fact]
    public async Task Collections_that_differ_only_in_case_are_refused_by_Item_and_the_rest_is_written()
    {
        var path = Path.Combine(_dir, "ds");
        await using (var writer = new PartitionedItemWriter(path, [ItemPartitionKey.Collection], replace: false))
        {
            await writer.WriteAsync(Item("a", "S2", "2024-01-01T00:00:00Z"), default);
            var error = await Assert.ThrowsAsync<StacFormatException>(async () => await writer.WriteAsync(Item("b", "s2", "2024-01-01T00:00:00Z"), default));
            Assert.Equal("b", error.ItemId);
            Assert.Contains("collection=S2", error.Message);
            await writer.WriteAsync(Item("c", "S2", "2024-01-01T00:00:00Z"), default);
            Assert.Equal(2, writer.Count);
            await writer.CompleteAsync(default);
        }

        Assert.Equal(["a", "c"], (await ReadAsync(path)).Select(r => r.Item!.Id));
    }
}
