using System.IO.Compression;
using System.Text;
using StacPkg.Core.Json;
using StacPkg.Core.Stac;

namespace StacPkg.Core.Tests;

public sealed class StacItemFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("stacpkg-itemfile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> ItemFiles() => Fixtures.ItemFileData();

    [Theory]
    [MemberData(nameof(ItemFiles))]
    public async Task ReadAsync_streams_the_items_of_a_fixture(string file)
    {
        var path = Fixtures.PathOf(file);

        var results = await ReadAllAsync(path);

        Assert.All(results, r => Assert.Null(r.Error));
        Assert.Equal(Fixtures.ExpectedIds(path), results.Select(r => r.Item!.Id));
    }

    [Theory]
    [InlineData("rustac/item-collection.json", "copy.json.gz")]
    [InlineData("rustac/items.ndjson", "copy.ndjson.gz")]
    public async Task ReadAsync_reads_gzip_text(string file, string name)
    {
        var source = Fixtures.PathOf(file);
        var path = Path.Combine(_dir, name);
        await using (var gzip = new GZipStream(File.Create(path), CompressionLevel.Optimal))
        {
            await gzip.WriteAsync(await File.ReadAllBytesAsync(source));
        }

        var results = await ReadAllAsync(path);

        Assert.Equal(Fixtures.ExpectedIds(source), results.Select(r => r.Item!.Id));
    }

    [Fact]
    public async Task ReadAsync_names_the_file_and_line_of_a_bad_item()
    {
        var path = Path.Combine(_dir, "mixed.ndjson");
        await File.WriteAllTextAsync(path, StacJsonStreamTests.Item("a") + "\n{\"type\":\"Feature\"\n" + StacJsonStreamTests.Item("b") + "\n");

        var results = await ReadAllAsync(path);

        Assert.Equal(3, results.Count);
        Assert.StartsWith($"{path}, line 2, item #2: truncated JSON", results[1].Error!.Message, StringComparison.Ordinal);
        Assert.Equal("b", results[2].Item!.Id);
    }

    [Fact]
    public void Unknown_extension_and_missing_file_are_refused_naming_the_file()
    {
        var unknown = Path.Combine(_dir, "items.csv");
        var missing = Path.Combine(_dir, "missing.ndjson");

        var wrongType = Assert.Throws<ArgumentException>(() => StacItemFile.ReadAsync(unknown, CancellationToken.None));
        var notThere = Assert.Throws<FileNotFoundException>(() => StacItemFile.ReadAsync(missing, CancellationToken.None));
        var noWriter = Assert.Throws<ArgumentException>(() => StacItemFile.CreateWriter(Path.Combine(_dir, "items.parquet.gz")));

        Assert.Contains(unknown, wrongType.Message, StringComparison.Ordinal);
        Assert.Contains(missing, notThere.Message, StringComparison.Ordinal);
        Assert.Contains("items.parquet.gz", noWriter.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> RoundTrips()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in Fixtures.ItemFiles())
        {
            foreach (var extension in new[] { ".ndjson", ".json", ".jsonl.gz", ".geojson.gz" })
            {
                data.Add(file, extension);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(RoundTrips))]
    public async Task Writer_round_trips_a_fixture_as_equal_json(string file, string extension)
    {
        var source = await ReadAllAsync(Fixtures.PathOf(file));
        var path = Path.Combine(_dir, "out" + extension);

        await using (var writer = StacItemFile.CreateWriter(path))
        {
            foreach (var result in source)
            {
                await writer.WriteAsync(result.Item!, CancellationToken.None);
            }
            await writer.CompleteAsync(CancellationToken.None);
            Assert.Equal(source.Count, writer.Count);
        }

        var written = WrittenItems(path, isNdjson: extension.StartsWith(".jsonl", StringComparison.Ordinal) || extension == ".ndjson");
        Assert.Equal(source.Count, written.Count);
        for (var i = 0; i < written.Count; i++)
        {
            JsonAssert.Equal(source[i].Item!.ToJson(), written[i]);
        }
        Assert.Equal(source.Select(r => r.Item!.Id), (await ReadAllAsync(path)).Select(r => r.Item!.Id));
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public async Task Written_items_keep_every_member_of_the_input()
    {
        var path = Fixtures.PathOf("stac-geoparquet/landsat-c2-l2-pc.json");
        var original = Assert.IsType<List<object?>>(JsonValueReader.Parse(await File.ReadAllBytesAsync(path)));
        var output = Path.Combine(_dir, "landsat.ndjson");

        await using (var writer = StacItemFile.CreateWriter(output))
        {
            foreach (var result in await ReadAllAsync(path))
            {
                await writer.WriteAsync(result.Item!, CancellationToken.None);
            }
            await writer.CompleteAsync(CancellationToken.None);
        }

        var written = WrittenItems(output, isNdjson: true);
        for (var i = 0; i < original.Count; i++)
        {
            var expected = (JsonMap)original[i]!;
            var actual = new JsonMap(written[i]);
            // Members an Item always has are written even when the input left them out.
            foreach (var name in new[] { "stac_extensions", "links", "assets" })
            {
                if (!expected.ContainsKey(name)) actual.Remove(name);
            }
            JsonAssert.Equal(expected, actual);
        }
    }

    [Theory]
    [InlineData("items.ndjson")]
    [InlineData("items.json")]
    [InlineData("items.parquet")]
    public async Task Writer_refuses_an_item_holding_nan_or_infinity_alone_and_writes_the_rest(string name)
    {
        var path = Path.Combine(_dir, name);
        var bad = Parse(StacJsonStreamTests.Item("nan"));
        bad.Properties["score"] = double.NaN;
        var errors = new List<StacFormatException>();
        await using (var writer = StacItemFile.CreateWriter(path))
        {
            await writer.WriteAsync(Parse(StacJsonStreamTests.Item("a")), CancellationToken.None);
            errors.Add(await Assert.ThrowsAsync<StacFormatException>(async () => await writer.WriteAsync(bad, CancellationToken.None)));
            await writer.WriteAsync(Parse(StacJsonStreamTests.Item("b")), CancellationToken.None);
            await writer.CompleteAsync(CancellationToken.None);
        }

        Assert.Equal(["a", "b"], (await ReadAllAsync(path)).Select(r => r.Item!.Id));
        Assert.Equal("nan", errors[0].ItemId);
        Assert.Contains("properties.score is NaN", errors[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Numbers_beyond_the_double_range_are_refused_per_item_naming_the_member()
    {
        var path = Path.Combine(_dir, "big.ndjson");
        var big = StacJsonStreamTests.Item("big").Replace("[1.5,2,1.5,2]", "[1.5,2,1e400,2]", StringComparison.Ordinal);
        await File.WriteAllTextAsync(path, StacJsonStreamTests.Item("a") + "\n" + big + "\n" + StacJsonStreamTests.Item("b") + "\n");

        var results = await ReadAllAsync(path);

        Assert.Equal(["a", "b"], results.Where(r => r.Item is not null).Select(r => r.Item!.Id));
        var error = Assert.Single(results, r => r.Error is not null).Error!;
        Assert.Equal("big", error.ItemId);
        Assert.Contains("bbox[2] is out of range", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ndjson_output_is_one_compact_item_per_line_in_utf8_without_bom()
    {
        var path = Path.Combine(_dir, "items.ndjson");
        // Kept signed hrefs: the format's own writer, not wrapped (SignedHrefsTests covers the wrapper).
        await using (var writer = StacItemFile.CreateWriter(path, keepSignedHrefs: true))
        {
            Assert.IsType<NdjsonItemWriter>(writer);
            await writer.WriteAsync(Parse(StacJsonStreamTests.Item("é-1")), CancellationToken.None);
            await writer.WriteAsync(Parse(StacJsonStreamTests.Item("é-2")), CancellationToken.None);
            await writer.CompleteAsync(CancellationToken.None);
        }

        var bytes = await File.ReadAllBytesAsync(path);
        Assert.NotEqual(0xEF, bytes[0]);
        var lines = Encoding.UTF8.GetString(bytes).Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Equal("", lines[2]);
        Assert.StartsWith("{\"type\":\"Feature\",\"stac_version\":\"1.1.0\",\"stac_extensions\":[],\"id\":\"é-1\"", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain('\r', lines[0]);
    }

    [Fact]
    public async Task Empty_feature_collection_is_valid_json()
    {
        var path = Path.Combine(_dir, "none.json");
        // Kept signed hrefs: the format's own writer, not wrapped (SignedHrefsTests covers the wrapper).
        await using (var writer = StacItemFile.CreateWriter(path, keepSignedHrefs: true))
        {
            Assert.IsType<FeatureCollectionItemWriter>(writer);
            await writer.CompleteAsync(CancellationToken.None);
        }

        var collection = Assert.IsType<JsonMap>(JsonValueReader.Parse(await File.ReadAllBytesAsync(path)));
        Assert.Equal("FeatureCollection", collection["type"]);
        Assert.Empty(Assert.IsType<List<object?>>(collection["features"]));
    }

    [Theory]
    [InlineData("items.ndjson")]
    [InlineData("items.json")]
    [InlineData("items.ndjson.gz")]
    public async Task Writer_disposed_without_completing_leaves_no_file(string name)
    {
        var path = Path.Combine(_dir, name);
        await using (var writer = StacItemFile.CreateWriter(path))
        {
            await writer.WriteAsync(Parse(StacJsonStreamTests.Item("a")), CancellationToken.None);
        }

        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Theory]
    [InlineData("items.ndjson")]
    [InlineData("items.json")]
    public async Task Writer_disposed_without_completing_leaves_an_existing_target_intact(string name)
    {
        var path = Path.Combine(_dir, name);
        var before = Encoding.UTF8.GetBytes("previous content\n");
        await File.WriteAllBytesAsync(path, before);
        await using (var writer = StacItemFile.CreateWriter(path))
        {
            for (var i = 0; i < 5_000; i++)
            {
                await writer.WriteAsync(Parse(StacJsonStreamTests.Item($"item-{i}")), CancellationToken.None);
            }
        }

        Assert.Equal(before, await File.ReadAllBytesAsync(path));
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public async Task Writer_refuses_items_after_completing()
    {
        var path = Path.Combine(_dir, "done.ndjson");
        await using var writer = StacItemFile.CreateWriter(path);
        await writer.CompleteAsync(CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(() => writer.WriteAsync(Parse(StacJsonStreamTests.Item("late")), CancellationToken.None).AsTask());
    }

    private static StacItem Parse(string json) => StacItem.FromJson((JsonMap)JsonValueReader.Parse(Encoding.UTF8.GetBytes(json))!);

    private static List<JsonMap> WrittenItems(string path, bool isNdjson)
    {
        var bytes = File.ReadAllBytes(path);
        if (path.EndsWith(".gz", StringComparison.Ordinal))
        {
            using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var plain = new MemoryStream();
            gzip.CopyTo(plain);
            bytes = plain.ToArray();
        }
        if (isNdjson)
        {
            return Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => (JsonMap)JsonValueReader.Parse(Encoding.UTF8.GetBytes(line))!)
                .ToList();
        }
        var collection = Assert.IsType<JsonMap>(JsonValueReader.Parse(bytes));
        Assert.Equal("FeatureCollection", collection["type"]);
        return Assert.IsType<List<object?>>(collection["features"]).Cast<JsonMap>().ToList();
    }

    private static async Task<List<StacReadResult>> ReadAllAsync(string path)
    {
        var results = new List<StacReadResult>();
        await foreach (var result in StacItemFile.ReadAsync(path, CancellationToken.None))
        {
            results.Add(result);
        }
        return results;
    }
}
