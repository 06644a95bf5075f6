using StacPkg.Core.GeoParquet;
using StacPkg.Core.Stac;
using StacPkg.Core.Tests.Support;

namespace StacPkg.Core.Tests.GeoParquet;

/// <summary>
/// The layout options as a reader sees them: the codec of every column chunk, dictionary and delta
/// encodings where they pay, min/max kept on the bbox columns, and the row group size asked for.
/// </summary>
public sealed class CompactLayoutTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("stacpkg-layout-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static List<StacItem> ManyItems(int count) =>
        Enumerable.Range(0, count)
            .Select(i => SyntheticItems.At($"item-{i:D4}", new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddHours(i), i % 360 - 179.5, i % 160 - 79.5))
            .ToList();

    private static IReadOnlyList<System.Text.Json.JsonElement> Chunks(string file, string columns = "*") =>
        DuckDb.Query($"SELECT {columns} FROM parquet_metadata({DuckDb.Literal(file)})");

    [SkippableTheory]
    [InlineData(ParquetCompression.Zstd, "ZSTD")]
    [InlineData(ParquetCompression.Snappy, "SNAPPY")]
    [InlineData(ParquetCompression.None, "UNCOMPRESSED")]
    public async Task Every_column_chunk_has_the_codec_asked_for_and_the_Items_round_trip(ParquetCompression compression, string codec)
    {
        DuckDb.RequireAvailable();
        var json = Fixtures.LoadItemJson("stac-geoparquet/sentinel-2-l2a-pc.json");
        var file = await SyntheticItems.WriteAsync(Path.Combine(_dir, "items.parquet"), json.Select(StacItem.FromJson),
            new GeoParquetWriteOptions { Compression = compression });

        var codecs = Chunks(file, "DISTINCT compression").Select(r => r.GetProperty("compression").GetString()).ToList();
        Assert.Equal([codec], codecs);
        var back = await GeoParquetRoundTripTests.ReadAsync(file);
        Assert.Equal(json.Count, back.Count);
        for (var i = 0; i < json.Count; i++)
        {
            JsonAssert.ItemsEqual(json[i], back[i].ToJson());
        }
    }

    [Fact]
    public void Zstd_is_the_default()
    {
        Assert.Equal(ParquetCompression.Zstd, GeoParquetWriteOptions.Default.Compression);
    }

    [SkippableFact]
    public async Task Repeated_strings_get_a_dictionary_integers_delta_and_every_bbox_column_keeps_its_statistics()
    {
        DuckDb.RequireAvailable();
        var file = await SyntheticItems.WriteAsync(Path.Combine(_dir, "items.parquet"), ManyItems(2_000), GeoParquetWriteOptions.Default);

        var chunks = Chunks(file, "path_in_schema, encodings, stats_min_value, stats_max_value")
            .ToDictionary(r => r.GetProperty("path_in_schema").GetString()!);
        string Encodings(string path) => chunks[path].GetProperty("encodings").GetString()!;
        Assert.Contains("DICTIONARY", Encodings("collection"), StringComparison.Ordinal);
        Assert.Contains("DICTIONARY", Encodings("naip:state"), StringComparison.Ordinal);
        Assert.Contains("DELTA_BINARY_PACKED", Encodings("proj:epsg"), StringComparison.Ordinal);
        // Unique ids are not worth a dictionary.
        Assert.DoesNotContain("DICTIONARY", Encodings("id"), StringComparison.Ordinal);
        foreach (var corner in new[] { "xmin", "ymin", "xmax", "ymax" })
        {
            var chunk = chunks[$"bbox, {corner}"];
            Assert.Equal(System.Text.Json.JsonValueKind.String, chunk.GetProperty("stats_min_value").ValueKind);
            Assert.Equal(System.Text.Json.JsonValueKind.String, chunk.GetProperty("stats_max_value").ValueKind);
        }
        var epsg = chunks["proj:epsg"];
        Assert.Equal("26920", epsg.GetProperty("stats_min_value").GetString());
        Assert.Equal("26920", epsg.GetProperty("stats_max_value").GetString());
    }

    [SkippableTheory]
    [InlineData(1, 25)]
    [InlineData(10, 3)]
    [InlineData(25, 1)]
    public async Task Row_groups_hold_the_size_asked_for(int rowGroupSize, int rowGroups)
    {
        DuckDb.RequireAvailable();
        var file = await SyntheticItems.WriteAsync(Path.Combine(_dir, "items.parquet"), ManyItems(25), new GeoParquetWriteOptions { RowGroupSize = rowGroupSize });

        var sizes = DuckDb.Query($"SELECT row_group_id, any_value(row_group_num_rows) AS n FROM parquet_metadata({DuckDb.Literal(file)}) GROUP BY ALL ORDER BY 1")
            .Select(r => r.GetProperty("n").GetInt64()).ToList();
        Assert.Equal(rowGroups, sizes.Count);
        Assert.All(sizes.SkipLast(1), n => Assert.Equal(rowGroupSize, n));
        Assert.Equal(25, sizes.Sum());
    }

    [SkippableFact]
    public async Task A_row_group_of_large_Items_ends_at_the_byte_bound_however_few_rows_it_holds()
    {
        DuckDb.RequireAvailable();
        // 300 Items of over 1 MiB each: at 10,000 rows per group they would make one row group of
        // 300 MiB, held in memory twice over while it is encoded.
        var large = Enumerable.Range(0, 300).Select(i =>
        {
            var item = SyntheticItems.At($"large-{i:D3}", new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddHours(i), 10, 10);
            item.Properties["notes"] = new string((char)('a' + i % 26), 1 << 20);
            return item;
        });
        var file = await SyntheticItems.WriteAsync(Path.Combine(_dir, "items.parquet"), large, GeoParquetWriteOptions.Default);

        var sizes = DuckDb.Query($"SELECT row_group_id, any_value(row_group_num_rows) AS n FROM parquet_metadata({DuckDb.Literal(file)}) GROUP BY ALL ORDER BY 1")
            .Select(r => r.GetProperty("n").GetInt64()).ToList();
        var maxRows = GeoParquetWriteOptions.MaxRowGroupBytes / (1 << 20);
        Assert.True(sizes.Count >= 3, $"{sizes.Count} row groups");
        Assert.All(sizes, n => Assert.InRange(n, 1, maxRows));
        Assert.Equal(300, sizes.Sum());
        var notes = DuckDb.Query($"SELECT count(*) AS n FROM read_parquet({DuckDb.Literal(file)}) WHERE length(notes) = {1 << 20}");
        Assert.Equal(300, notes[0].GetProperty("n").GetInt64());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(GeoParquetWriteOptions.MaxRowGroupSize + 1)]
    public void A_row_group_size_out_of_range_is_refused(int rowGroupSize)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new GeoParquetItemWriter(Path.Combine(_dir, "items.parquet"), new GeoParquetWriteOptions { RowGroupSize = rowGroupSize }));
        Assert.Contains("RowGroupSize", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_dir));
    }
}
