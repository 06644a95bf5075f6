using Parquet;
using StacPkg.Core.GeoParquet;
using StacPkg.Core.Json;
using StacPkg.Core.Stac;


namespace StacPkg.Core.Tests;

public sealed class GeoParquetRoundTripTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("stacpkg-gpq-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> ItemFiles() => new(Fixtures.ItemFiles());

    public static TheoryData<string> ForeignParquetFiles() => new(
        "stac-geoparquet/naip.parquet", "rustac/100-sentinel-2-items.parquet", "rustac/extended-item.parquet");

    internal static async Task<string> WriteAsync(string path, IEnumerable<StacItem> items)
    {
        await using var writer = new GeoParquetItemWriter(path);
        foreach (var item in items)
        {
            await writer.WriteAsync(item, default);
        }
        await writer.CompleteAsync(default);
        return path;
    }

    internal static async Task<List<StacItem>> ReadAsync(string path)
    {
        var items = new List<StacItem>();
        await foreach (var item in GeoParquetItemReader.ReadAsync(path, default))
        {
            items.Add(item);
        }
        return items;
    }

    [Theory]
    [MemberData(nameof(ItemFiles))]
    public async Task Fixture_json_round_trips_through_parquet(string fixture)
    {
        var json = Fixtures.LoadItemJson(fixture);
        var path = await WriteAsync(Path.Combine(_dir, "items.parquet"), json.Select(StacItem.FromJson));

        var back = await ReadAsync(path);

        Assert.Equal(json.Count, back.Count);
        for (var i = 0; i < json.Count; i++)
        {
            JsonAssert.ItemsEqual(json[i], back[i].ToJson());
        }
    }

    [Theory]
    [MemberData(nameof(ForeignParquetFiles))]
    public async Task Parquet_from_other_writers_reads_and_round_trips(string fixture)
    {
        var first = await ReadAsync(Fixtures.PathOf(fixture));
        Assert.NotEmpty(first);
        Assert.All(first, item => Assert.False(string.IsNullOrEmpty(item.Id)));
        Assert.All(first, item => Assert.NotNull(item.Geometry));

        var path = await WriteAsync(Path.Combine(_dir, "again.parquet"), first);
        var second = await ReadAsync(path);

        Assert.Equal(first.Count, second.Count);
        for (var i = 0; i < first.Count; i++)
        {
            JsonAssert.ItemsEqual(first[i].ToJson(), second[i].ToJson());
        }
    }

    [Fact]
    public async Task Rustac_items_keep_their_values()
    {
        var items = await ReadAsync(Fixtures.PathOf("rustac/100-sentinel-2-items.parquet"));

        Assert.Equal(100, items.Count);
        var item = items[0];
        Assert.Equal("sentinel-2-l2a", item.Collection);
        Assert.NotNull(item.Datetime);
        Assert.Equal(4, item.Bbox!.Length);
        Assert.Contains("visual", item.Assets.Keys);
        Assert.StartsWith("https://", item.Assets["visual"].Href);
        Assert.Equal("Polygon", item.Geometry!["type"]);
    }

    [Fact]
    public async Task File_metadata_follows_geoparquet_1_1_and_stac_geoparquet()
    {
        var items = Fixtures.LoadItems("stac-geoparquet/naip-pc.json");
        var path = await WriteAsync(Path.Combine(_dir, "naip.parquet"), items);

        await using var reader = await ParquetReader.CreateAsync(path);
        var geo = (JsonMap)JsonValueReader.Parse(System.Text.Encoding.UTF8.GetBytes(reader.CustomMetadata["geo"]))!;
        Assert.Equal("1.1.0", geo["version"]);
        Assert.Equal("geometry", geo["primary_column"]);
        var column = (JsonMap)((JsonMap)geo["columns"]!)["geometry"]!;
        Assert.Equal("WKB", column["encoding"]);
        Assert.False(column.ContainsKey("crs"));
        Assert.Equal(new List<object?> { "Polygon" }, column["geometry_types"]);
        var bbox = ((List<object?>)column["bbox"]!).Cast<double>().ToArray();
        Assert.Equal(items.Min(i => i.Bbox![0]), bbox[0], 9);
        Assert.Equal(items.Max(i => i.Bbox![3]), bbox[3], 9);
        var covering = (JsonMap)((JsonMap)column["covering"]!)["bbox"]!;
        Assert.Equal(new List<object?> { "bbox", "xmin" }, covering["xmin"]);
        Assert.Equal("""{"version":"1.1.0"}""", reader.CustomMetadata["stac-geoparquet"]);
        Assert.Equal("items", reader.CustomMetadata["stacpkg:schema-kind"]);
        Assert.Equal("v1", reader.CustomMetadata["stacpkg:schema-version"]);
    }

    [Fact]
    public async Task Timestamps_are_microsecond_utc_and_other_strings_stay_strings()
    {
        var item = Item("a", new JsonMap
        {
            ["datetime"] = "2021-03-04T05:06:07.123456Z",
            ["created"] = "2021-03-04T07:06:07+02:00",
            ["title"] = "2021-03-04T05:06:07Z",
        });
        var path = await WriteAsync(Path.Combine(_dir, "ts.parquet"), [item]);

        await using (var reader = await ParquetReader.CreateAsync(path))
        {
            var datetime = reader.Metadata!.Schema.Single(e => e.Name == "datetime");
            Assert.NotNull(datetime.LogicalType!.TIMESTAMP);
            Assert.NotNull(datetime.LogicalType.TIMESTAMP.Unit.MICROS);
            Assert.True(datetime.LogicalType.TIMESTAMP.IsAdjustedToUTC);
            Assert.NotNull(reader.Metadata.Schema.Single(e => e.Name == "title").LogicalType!.STRING);
        }
        var back = (await ReadAsync(path)).Single();
        Assert.Equal("2021-03-04T05:06:07.123456Z", back.Properties["datetime"]);
        Assert.Equal("2021-03-04T05:06:07Z", back.Properties["created"]);
        Assert.Equal("2021-03-04T05:06:07Z", back.Properties["title"]);
    }

    [Fact]
    public async Task Range_items_keep_a_null_datetime_and_3d_bbox_and_z_geometry()
    {
        var item = Item("range", new JsonMap
        {
            ["datetime"] = null,
            ["start_datetime"] = "2020-01-01T00:00:00Z",
            ["end_datetime"] = "2020-12-31T23:59:59Z",
        });
        item.Geometry = new JsonMap { ["type"] = "Point", ["coordinates"] = new List<object?> { 1.0, 2.0, 3.0 } };
        item.Bbox = [1, 2, 3, 1, 2, 3];
        var flat = Item("flat", new JsonMap { ["datetime"] = "2020-01-01T00:00:00Z" });
        var path = await WriteAsync(Path.Combine(_dir, "range.parquet"), [item, flat]);

        var back = await ReadAsync(path);

        Assert.True(back[0].Properties.ContainsKey("datetime"));
        Assert.Null(back[0].Properties["datetime"]);
        Assert.Equal([1, 2, 3, 1, 2, 3], back[0].Bbox!);
        Assert.Equal(4, back[1].Bbox!.Length);
        Assert.Equal(new List<object?> { 1.0, 2.0, 3.0 }, back[0].Geometry!["coordinates"]);
        await using var reader = await ParquetReader.CreateAsync(path);
        Assert.Contains("\"Point Z\"", reader.CustomMetadata["geo"]);
    }

    [Fact]
    public async Task Conflicting_types_items_without_assets_and_null_geometry_round_trip()
    {
        var a = Item("a", new JsonMap { ["datetime"] = "2020-01-01T00:00:00Z", ["code"] = "x1", ["n"] = 1L, ["nested"] = new JsonMap { ["k"] = 1L } });
        a.Assets["data"] = new StacAsset { Href = "./a.tif", Roles = ["data"] };
        var b = Item("b", new JsonMap { ["datetime"] = "2020-01-01T00:00:00Z", ["code"] = 42L, ["n"] = 2.5, ["nested"] = new List<object?> { "k" } });
        b.Geometry = null;
        b.Bbox = null;
        var path = await WriteAsync(Path.Combine(_dir, "conflict.parquet"), [a, b]);

        var back = await ReadAsync(path);

        Assert.Equal("x1", back[0].Properties["code"]);
        Assert.Equal(42L, back[1].Properties["code"]);
        Assert.Equal(1.0, back[0].Properties["n"]);
        Assert.Equal(2.5, back[1].Properties["n"]);
        JsonAssert.Equal(new JsonMap { ["k"] = 1L }, back[0].Properties["nested"]);
        JsonAssert.Equal(new List<object?> { "k" }, back[1].Properties["nested"]);
        Assert.Empty(back[1].Assets);
        Assert.Null(back[1].Geometry);
        Assert.Equal("./a.tif", back[0].Assets["data"].Href);
    }

    [Fact]
    public async Task Geometry_members_beyond_the_shape_come_back()
    {
        var item = Item("a", new JsonMap { ["datetime"] = "2020-01-01T00:00:00Z" });
        item.Geometry!["bbox"] = new List<object?> { 10.0, 20.0, 10.0, 20.0 };
        var plain = Item("b", new JsonMap { ["datetime"] = "2020-01-01T00:00:00Z" });
        var back = await ReadAsync(await WriteAsync(Path.Combine(_dir, "members.parquet"), [item, plain]));

        JsonAssert.Equal(new List<object?> { 10.0, 20.0, 10.0, 20.0 }, back[0].Geometry!["bbox"]);
        Assert.False(back[1].Geometry!.ContainsKey("bbox"));
        Assert.False(back[0].Properties.ContainsKey("stacpkg:geometry_members"));
    }

    [Fact]
    public async Task Unknown_top_level_fields_come_back_at_the_top_level()
    {
        var item = Item("a", new JsonMap { ["datetime"] = "2020-01-01T00:00:00Z" });
        item.AdditionalFields["custom"] = new JsonMap { ["x"] = 1L };
        var back = (await ReadAsync(await WriteAsync(Path.Combine(_dir, "extra.parquet"), [item]))).Single();

        Assert.False(back.Properties.ContainsKey("custom"));
        JsonAssert.Equal(new JsonMap { ["x"] = 1L }, back.AdditionalFields["custom"]);
    }

    [Fact]
    public async Task A_writer_disposed_without_completing_leaves_the_target_untouched()
    {
        var path = Path.Combine(_dir, "keep.parquet");
        await File.WriteAllTextAsync(path, "original");
        await using (var writer = new GeoParquetItemWriter(path))
        {
            await writer.WriteAsync(Item("a", new JsonMap { ["datetime"] = "2020-01-01T00:00:00Z" }), default);
        }
        Assert.Equal("original", await File.ReadAllTextAsync(path));
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public async Task An_item_that_cannot_be_stored_is_refused_alone()
    {
        var bad = Item("bad", new JsonMap { ["datetime"] = "2020-01-01T00:00:00Z", ["id"] = "clash" });
        var path = Path.Combine(_dir, "refuse.parquet");
        await using var writer = new GeoParquetItemWriter(path);
        var error = await Assert.ThrowsAsync<StacFormatException>(() => writer.WriteAsync(bad, default).AsTask());
        Assert.Contains("bad", error.Message);
        await writer.WriteAsync(Item("good", new JsonMap { ["datetime"] = "2020-01-01T00:00:00Z" }), default);
        await writer.CompleteAsync(default);

        Assert.Equal(["good"], (await ReadAsync(path)).Select(i => i.Id));
    }

    [Fact]
    public async Task Schema_drift_in_an_ndjson_stream_of_100000_items_keeps_every_value()
    {
        const int count = 100_000;
        var ndjson = Path.Combine(_dir, "drift.ndjson");
        await using (var lines = new StreamWriter(ndjson))
        {
            for (var i = 0; i < count; i++)
            {
                // "drift" is a string for the first half and a number after; "late" appears only in the last item.
                var drift = i < count / 2 ? $"\"s{i}\"" : i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                var late = i == count - 1 ? ",\"late\":\"only in the last item\"" : "";
                await lines.WriteLineAsync(
                    $"{{\"type\":\"Feature\",\"stac_version\":\"1.1.0\",\"id\":\"item-{i}\",\"geometry\":{{\"type\":\"Point\",\"coordinates\":[{i % 180},1]}}," +
                    $"\"bbox\":[{i % 180},1,{i % 180},1],\"properties\":{{\"datetime\":\"2020-01-01T00:00:00Z\",\"drift\":{drift}{late}}},\"links\":[],\"assets\":{{}}}}");
            }
        }
        var parquet = Path.Combine(_dir, "drift.parquet");
        await using (var writer = new GeoParquetItemWriter(parquet))
        {
            await foreach (var result in StacItemFile.ReadAsync(ndjson, default))
            {
                await writer.WriteAsync(result.Item ?? throw result.Error!, default);
            }
            await writer.CompleteAsync(default);
        }

        var n = 0;
        await foreach (var item in GeoParquetItemReader.ReadAsync(parquet, default))
        {
            Assert.Equal($"item-{n}", item.Id);
            Assert.Equal(n < count / 2 ? $"s{n}" : (long)n, item.Properties["drift"]);
            Assert.Equal(n == count - 1, item.Properties.ContainsKey("late"));
            n++;
        }
        Assert.Equal(count, n);
    }

    internal static StacItem Item(string id, JsonMap properties) => new()
    {
        Id = id,
        Collection = "test",
        Geometry = new JsonMap { ["type"] = "Point", ["coordinates"] = new List<object?> { 10.0, 20.0 } },
        Bbox = [10, 20, 10, 20],
        Properties = properties,
    };
}
