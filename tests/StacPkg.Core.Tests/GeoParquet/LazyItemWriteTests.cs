using System.Security.Cryptography;
using StacPkg.Core.GeoParquet;
using StacPkg.Core.Json;
using StacPkg.Core.Stac;

namespace StacPkg.Core.Tests.GeoParquet;

/// <summary>
/// The GeoParquet writers take Items as their records (<see cref="StacItemRecord"/>): an Item that
/// is still its record (as a reader hands it over) must give the very file that the same Item built
/// as objects gives, with every layout option, and must pass through without being built as objects.
/// </summary>
public sealed class LazyItemWriteTests : IDisposable
{
    private const string Generated = "generated";

    private readonly string _dir = Directory.CreateTempSubdirectory("stacpkg-lazy-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> Sources() => new(
        Fixtures.ItemFiles()
            .Append("stacpkg/proj-geometry-items.json")
            .Concat(((IEnumerable<object[]>)GeoParquetRoundTripTests.ForeignParquetFiles()).Select(row => (string)row[0]))
            .Append(Generated));

    /// <summary>Every layout the writers have: codecs, sort orders, row groups of a few Items, hive partitions written at once and parked.</summary>
    public static readonly Dictionary<string, GeoParquetWriteOptions?> Layouts = new()
    {
        ["default"] = null,
        ["snappy"] = new() { Compression = ParquetCompression.Snappy },
        ["uncompressed"] = new() { Compression = ParquetCompression.None },
        ["by datetime, small row groups"] = new() { SortBy = ItemSortOrder.Datetime, RowGroupSize = 3 },
        ["by hilbert"] = new() { SortBy = ItemSortOrder.Hilbert },
        ["small row groups"] = new() { RowGroupSize = 2 },
        ["partitioned"] = null,
        ["partitioned, parked"] = null,
    };

    public static TheoryData<string, string> SourcesAndLayouts()
    {
        var data = new TheoryData<string, string>();
        foreach (var source in Sources())
        {
            foreach (var layout in Layouts.Keys)
            {
                data.Add(source, layout);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(SourcesAndLayouts))]
    public async Task Items_that_are_their_records_give_the_same_bytes_as_Items_built_as_objects(string source, string layout)
    {
        var eager = await LoadAsync(source);
        var lazy = eager.Select(Lazy).ToList();
        Assert.All(lazy, item => Assert.NotNull(item.Record));

        var fromObjects = await WriteAsync("objects", eager, layout);
        var fromRecords = await WriteAsync("records", lazy, layout);

        Assert.Equal(fromObjects.Keys, fromRecords.Keys);
        Assert.NotEmpty(fromObjects);
        foreach (var (file, digest) in fromObjects)
        {
            Assert.True(digest == fromRecords[file], $"{source}, {layout}: {file} differs");
        }
        // Written without building a single Item as objects.
        Assert.All(lazy, item => Assert.NotNull(item.Record));
    }

    [Fact]
    public async Task An_Item_changed_after_it_was_read_is_written_with_the_change()
    {
        var eager = Fixtures.LoadItems("stac-geoparquet/naip-pc.json");
        var lazy = eager.Select(Lazy).ToList();
        foreach (var items in new[] { eager, lazy })
        {
            items[0].Properties["x"] = 1L;
            items[1].Assets["extra"] = new StacAsset { Href = "https://example.com/extra.tif", Roles = ["data"] };
        }
        Assert.Null(lazy[0].Record);
        Assert.Null(lazy[1].Record);
        Assert.NotNull(lazy[2].Record);

        var fromObjects = await WriteAsync("objects", eager, "default");
        var fromRecords = await WriteAsync("records", lazy, "default");
        Assert.Equal(fromObjects.Single().Value, fromRecords.Single().Value);

        var back = await GeoParquetRoundTripTests.ReadAsync(Path.Combine(_dir, "records", "out.parquet"));
        Assert.Equal(1L, back[0].Properties["x"]);
        Assert.Equal("https://example.com/extra.tif", back[1].Assets["extra"].Href);
        Assert.False(back[2].Properties.ContainsKey("x"));
        Assert.False(back[2].Assets.ContainsKey("extra"));
    }

    public static TheoryData<string> Refusals() => new(
        "property named like a column", "timestamp that is not one", "bbox of 5 numbers", "field named like a property");

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task An_Item_that_is_its_record_is_refused_with_the_message_of_the_Item_built_as_objects(string refusal)
    {
        string Refuse(List<StacItem> items)
        {
            var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.parquet");
            return Assert.Throws<StacFormatException>(() =>
            {
                var writer = new GeoParquetItemWriter(path);
                try
                {
                    foreach (var item in items)
                    {
                        writer.WriteAsync(item, default).AsTask().GetAwaiter().GetResult();
                    }
                }
                finally
                {
                    writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
                }
            }).Message;
        }

        var eager = Fixtures.LoadItems("stac-geoparquet/naip-pc.json");
        var bad = eager[1];
        switch (refusal)
        {
            case "property named like a column":
                bad.Properties["assets"] = "x";
                break;
            case "timestamp that is not one":
                bad.Properties["end_datetime"] = 5L;
                break;
            case "bbox of 5 numbers":
                bad.Bbox = [1, 2, 3, 4, 5];
                break;
            case "field named like a property":
                eager[0].AdditionalFields["gsd_note"] = 1L;
                bad.Properties["gsd_note"] = "x";
                break;
        }
        var lazy = eager.Select(Lazy).ToList();

        var expected = Refuse(eager);
        Assert.Contains(bad.Id, expected);
        Assert.Equal(expected, Refuse(lazy));
        await Task.CompletedTask;
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task The_partition_folder_of_an_Item_that_is_its_record_is_that_of_the_Item_built_as_objects(string source)
    {
        ItemPartitionKey[] keys = [ItemPartitionKey.Collection, ItemPartitionKey.Year];
        foreach (var item in await LoadAsync(source))
        {
            var lazy = Lazy(item);
            Assert.Equal(ItemPartitioning.Folder(item, keys), ItemPartitioning.Folder(lazy, keys));
            Assert.NotNull(lazy.Record);
        }
    }

    /// <summary>The Item as a reader that builds records hands it over: its record, id and collection, nothing built.</summary>
    private static StacItem Lazy(StacItem eager) =>
        new(StacItemRecord.FromItem(eager), eager.Id, eager.Collection) { StacCollection = eager.StacCollection };

    private static async Task<List<StacItem>> LoadAsync(string source)
    {
        if (source == Generated)
        {
            return GenerateItems(400);
        }
        return source.EndsWith(".parquet", StringComparison.Ordinal)
            ? await GeoParquetRoundTripTests.ReadAsync(Fixtures.PathOf(source))
            : Fixtures.LoadItems(source);
    }

    /// <summary>Items across three collections, several years, range Items and places all over the globe.</summary>
    private static List<StacItem> GenerateItems(int count)
    {
        var random = new Random(14);
        var items = new List<StacItem>(count);
        for (var i = 0; i < count; i++)
        {
            var time = new DateTimeOffset(2015, 1, 1, 0, 0, 0, TimeSpan.Zero).AddHours(random.Next(0, 24 * 365 * 8));
            var item = SyntheticItems.At($"gen-{i:D5}", time, random.NextDouble() * 358 - 179, random.NextDouble() * 170 - 85,
                size: 0.01 + random.NextDouble(), range: i % 7 == 0);
            item.Collection = $"c{i % 3}";
            if (i % 5 == 0)
            {
                item.Properties[$"extra:{i % 4}"] = i % 2 == 0 ? i : i + 0.5;
            }
            items.Add(item);
        }
        return items;
    }

    /// <summary>Writes the Items with the layout into a folder of its own; returns each file written (relative path) with its SHA-256.</summary>
    private async Task<SortedDictionary<string, string>> WriteAsync(string name, List<StacItem> items, string layout)
    {
        var folder = Path.Combine(_dir, name);
        Directory.CreateDirectory(folder);
        IStacItemWriter writer = layout.StartsWith("partitioned", StringComparison.Ordinal)
            ? new PartitionedItemWriter(Path.Combine(folder, "parts"), [ItemPartitionKey.Collection, ItemPartitionKey.Year], replace: false,
                maxOpenPartitions: layout.EndsWith("parked", StringComparison.Ordinal) ? 1 : PartitionedItemWriter.DefaultMaxOpenPartitions)
            : new GeoParquetItemWriter(Path.Combine(folder, "out.parquet"), Layouts[layout]);
        await using (writer)
        {
            foreach (var item in items)
            {
                await writer.WriteAsync(item, default);
            }
            await writer.CompleteAsync(default);
        }
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(folder, "*", SearchOption.AllDirectories))
        {
            files[Path.GetRelativePath(folder, file)] = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));
        }
        return files;
    }
}
