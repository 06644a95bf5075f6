using StacPkg.Core.Enrichment;
using StacPkg.Core.GeoParquet;
using StacPkg.Core.Json;
using StacPkg.Core.Packaging;
using StacPkg.Core.Stac;
using StacPkg.Core.Stores;
using StacPkg.Core.Tests.Support;

namespace StacPkg.Core.Tests.GeoParquet;

/// <summary>STAC Collections in the <c>stac-geoparquet</c> metadata: written (1.1.0), read (1.1.0, 1.0.0, no version) and carried by Items.</summary>
public sealed class StacCollectionMetadataTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("stacpkg-collections-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private static List<StacItem> Naip() => Fixtures.LoadItems("stac-geoparquet/naip-pc.json");

    private static async Task<List<StacItem>> ReadAsync(string path)
    {
        var items = new List<StacItem>();
        await foreach (var item in GeoParquetItemReader.ReadAsync(path, default))
        {
            items.Add(item);
        }
        return items;
    }

    [Fact]
    public async Task Collections_are_stored_as_version_1_1_0_keyed_by_id_in_ordinal_order()
    {
        var given = new[] { CollectionFixtures.Make("naip", "b"), CollectionFixtures.Make("B"), StacCollection.Parse(CollectionFixtures.SampleText) };
        await CollectionFixtures.WriteAsync(PathOf("a.parquet"), Naip(), given);

        var metadata = CollectionFixtures.Json((await CollectionFixtures.MetadataAsync(PathOf("a.parquet")))["stac-geoparquet"]);

        Assert.Equal(["version", "collections"], metadata.Keys);
        Assert.Equal("1.1.0", metadata["version"]);
        var stored = Assert.IsType<JsonMap>(metadata["collections"]);
        Assert.Equal(["B", "field-samples", "naip"], stored.Keys);
        foreach (var collection in given)
        {
            JsonAssert.Equal(collection.Json, stored[collection.Id]);
        }
    }

    [Fact]
    public async Task Without_collections_the_metadata_holds_the_version_alone()
    {
        await CollectionFixtures.WriteAsync(PathOf("a.parquet"), Naip());

        Assert.Equal("""{"version":"1.1.0"}""", (await CollectionFixtures.MetadataAsync(PathOf("a.parquet")))["stac-geoparquet"]);
    }

    [Fact]
    public async Task Items_read_back_carry_their_collection_and_a_copy_to_another_file_keeps_it()
    {
        var naip = CollectionFixtures.Make("naip", "NAIP");
        var other = CollectionFixtures.Make("not-in-the-items");
        await CollectionFixtures.WriteAsync(PathOf("a.parquet"), Naip(), [naip, other]);

        var back = await ReadAsync(PathOf("a.parquet"));
        Assert.All(back, item => Assert.Equal("NAIP", item.StacCollection?.Title));
        // The Collection is not part of the Item's JSON.
        Assert.All(back, item => Assert.DoesNotContain(item.ToJson().Keys, key => key.Contains("Collection", StringComparison.Ordinal)));

        // Copies made by enrichment keep it too; a Collection no Item names is not carried.
        var writer = await CollectionFixtures.WriteAsync(PathOf("b.parquet"), back.Select(StacItemCopy.Clone));
        Assert.Equal(["naip"], writer.Collections.Select(c => c.Id));
        JsonAssert.Equal(naip.Json, (await StacGeoParquetMetadata.ReadAsync(PathOf("b.parquet"), default)).Collections.Single().Json);
    }

    [Fact]
    public async Task The_same_items_and_collections_give_the_same_bytes()
    {
        await CollectionFixtures.WriteAsync(PathOf("a.parquet"), Naip(), [CollectionFixtures.Make("naip"), CollectionFixtures.Make("x")]);
        await CollectionFixtures.WriteAsync(PathOf("b.parquet"), Naip(), [CollectionFixtures.Make("x"), CollectionFixtures.Make("naip")]);

        Assert.Equal(File.ReadAllBytes(PathOf("a.parquet")), File.ReadAllBytes(PathOf("b.parquet")));
    }

    [Fact]
    public async Task A_given_collection_wins_over_the_one_the_items_carry()
    {
        var items = Naip();
        items.ForEach(i => i.StacCollection = CollectionFixtures.Make("naip", "carried"));

        var writer = await CollectionFixtures.WriteAsync(PathOf("a.parquet"), items, [CollectionFixtures.Make("naip", "given")]);

        Assert.Empty(writer.Warnings);
        Assert.Equal("given", (await StacGeoParquetMetadata.ReadAsync(PathOf("a.parquet"), default)).Collections.Single().Title);
    }

    [Fact]
    public async Task Items_carrying_different_documents_of_one_collection_store_the_first_and_say_so_once()
    {
        var items = Naip();
        for (var i = 0; i < items.Count; i++)
        {
            items[i].StacCollection = CollectionFixtures.Make("naip", i == 0 ? "first" : $"other {i}");
        }

        var writer = await CollectionFixtures.WriteAsync(PathOf("a.parquet"), items);

        Assert.Equal("first", (await StacGeoParquetMetadata.ReadAsync(PathOf("a.parquet"), default)).Collections.Single().Title);
        var warning = Assert.Single(writer.Warnings);
        Assert.Contains("'naip'", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Equal_documents_of_one_collection_from_two_files_are_no_conflict()
    {
        var items = Naip();
        items[0].StacCollection = CollectionFixtures.Make("naip");
        items[1].StacCollection = CollectionFixtures.Make("naip");

        var writer = await CollectionFixtures.WriteAsync(PathOf("a.parquet"), items);

        Assert.Empty(writer.Warnings);
        Assert.Equal(["naip"], writer.Collections.Select(c => c.Id));
    }

    [Fact]
    public async Task An_item_whose_collection_id_was_changed_no_longer_brings_its_old_collection()
    {
        var items = Naip();
        items.ForEach(i => i.StacCollection = CollectionFixtures.Make("naip"));
        items.ForEach(i => i.Collection = "renamed");

        var writer = await CollectionFixtures.WriteAsync(PathOf("a.parquet"), items);

        Assert.Empty(writer.Collections);
    }

    [Fact]
    public void The_same_id_given_twice_is_refused()
    {
        var options = new GeoParquetWriteOptions { Collections = [CollectionFixtures.Make("a"), CollectionFixtures.Make("a", "again")] };

        var error = Assert.Throws<ArgumentException>(() => new GeoParquetItemWriter(PathOf("a.parquet"), options));
        Assert.Contains("'a'", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir));
    }

    public static TheoryData<string, string[]> MetadataVersions() => new()
    {
        // 1.1.0: the map.
        { """{"version":"1.1.0","collections":{"b":{"type":"Collection","id":"b"},"a":{"type":"Collection","id":"a"}}}""", ["a", "b"] },
        // 1.0.0: the deprecated singular form.
        { """{"version":"1.0.0","collection":{"type":"Collection","id":"a"}}""", ["a"] },
        // No version (early files), and both forms at once: the map wins on the same id.
        { """{"collection":{"type":"Collection","id":"a","title":"singular"},"collections":{"a":{"type":"Collection","id":"a","title":"map"},"c":{"type":"Collection","id":"c"}}}""", ["a", "c"] },
        { """{"version":"1.0.0"}""", [] },
    };

    [Theory]
    [MemberData(nameof(MetadataVersions))]
    public void Reads_every_version_and_the_deprecated_singular_collection(string metadata, string[] ids)
    {
        var read = StacGeoParquetMetadata.Read(new Dictionary<string, string> { ["stac-geoparquet"] = metadata });

        Assert.Empty(read.Problems);
        Assert.Equal(ids, read.Collections.Select(c => c.Id));
        Assert.All(read.Collections.Where(c => c.Id == "a" && c.Title is not null), c => Assert.Equal("map", c.Title));
    }

    [Fact]
    public void Entries_that_are_not_collections_are_named_and_the_others_kept()
    {
        var read = StacGeoParquetMetadata.Read(new Dictionary<string, string>
        {
            ["stac-geoparquet"] = """{"version":"1.1.0","collections":{"ok":{"type":"Collection","id":"ok"},"text":"x","item":{"type":"Feature","id":"item"},"key":{"type":"Collection","id":"other"}}}""",
        });

        Assert.Equal(["ok"], read.Collections.Select(c => c.Id));
        Assert.Collection(read.Problems,
            p => Assert.Contains("collections['text'] is not a JSON object", p, StringComparison.Ordinal),
            p => Assert.Contains("collections['item']: Collection 'item' is a STAC Item", p, StringComparison.Ordinal),
            p => Assert.Contains("collections['key'] holds Collection 'other'", p, StringComparison.Ordinal));
        Assert.Contains("not valid JSON", Assert.Single(StacGeoParquetMetadata.Read(new Dictionary<string, string> { ["stac-geoparquet"] = "{" }).Problems), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_1_0_0_file_written_by_another_writer_reads_with_its_collection()
    {
        DuckDb.RequireAvailable();
        await CollectionFixtures.WriteAsync(PathOf("ours.parquet"), Naip());
        var collection = CollectionFixtures.Make("naip", "from DuckDB").ToJsonText();
        var theirs = PathOf("theirs.parquet");
        // DuckDB rewrites the rows with its own writer and only the key/value metadata we give it.
        var metadata = DuckDb.Literal("{\"version\":\"1.0.0\",\"collection\":" + collection + "}");
        DuckDb.Query(
            $"COPY (SELECT * FROM read_parquet({DuckDb.Literal(PathOf("ours.parquet"))})) " +
            $"TO {DuckDb.Literal(theirs)} (FORMAT parquet, KV_METADATA {{\"stac-geoparquet\": {metadata}}})");

        var items = await ReadAsync(theirs);

        Assert.Equal(4, items.Count);
        Assert.All(items, item => Assert.Equal("from DuckDB", item.StacCollection?.Title));
        Assert.Equal(["naip"], (await StacGeoParquetMetadata.ReadAsync(theirs, default)).Collections.Select(c => c.Id));
    }

    [Fact]
    public async Task A_package_stores_and_shows_its_collections()
    {
        var path = PathOf("pkg");
        var items = Naip();
        await using (var stores = new ObjectStores(new StoreOptions { BaseDirectory = _dir }))
        {
            var options = new StacPackageOptions { Probe = false, Items = new GeoParquetWriteOptions { Collections = [StacCollection.Parse(CollectionFixtures.SampleText)] } };
            await using var writer = new StacPackageWriter(path, options, stores);
            items[0].StacCollection = CollectionFixtures.Make("naip", "NAIP | imagery\n- Items: 9");
            foreach (var item in items)
            {
                await writer.WriteAsync(item, default);
            }
            var written = await writer.CompleteAsync(default);
            Assert.Equal(["field-samples", "naip"], written.StacCollections.Select(c => c.Id));
        }

        var info = await StacPackageInfo.ReadAsync(path, default);

        Assert.Equal(["field-samples", "naip"], info.StacCollections.Select(c => c.Id));
        var markdown = info.ToMarkdown().Split('\n');
        Assert.Equal(["- Collection field-samples: Field samples", @"- Collection naip: NAIP | imagery\n- Items: 9", ""], markdown[^3..]);
    }
}
