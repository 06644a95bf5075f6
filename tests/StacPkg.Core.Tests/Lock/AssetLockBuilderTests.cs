using StacPkg.Core.Json;
using StacPkg.Core.Lock;
using StacPkg.Core.Stac;
using StacPkg.Core.Stores;
using StacPkg.Core.Tests.Support;

namespace StacPkg.Core.Tests.Lock;

public class AssetLockBuilderTests
{
    private static StacItem Item() => new()
    {
        Id = "it",
        Assets = new(StringComparer.Ordinal)
        {
            ["visual"] = new StacAsset { Href = "https://example.com/a/visual.tif?X-Amz-Signature=secret123&X-Amz-Credential=abc" },
            ["B04"] = new StacAsset { Href = "s3://bucket/b04.tif", AdditionalFields = new JsonMap { ["file:size"] = 1200L, ["file:checksum"] = Multihash.Sha256([9]).ToUpperInvariant() } },
            ["metadata"] = new StacAsset { Href = "https://example.com/a/meta.xml" },
            ["mtl"] = new StacAsset { Href = "https://example.com/a/mtl.txt", Roles = ["metadata"] },
            ["broken"] = new StacAsset { Href = "ftp://example.com/x" },
        },
    };

    public static TheoryData<string> Sets() => LazyItems.SetNames();

    [Theory]
    [MemberData(nameof(Sets))]
    public void A_record_gives_the_rows_and_warnings_of_its_objects_and_is_not_built(string set)
    {
        var items = LazyItems.Eager(set).Append(Item()).ToList();
        var lazy = items.Select(LazyItems.Of).ToList();
        var options = new AssetLockBuildOptions { IncludeMetadata = true };
        var (eagerBuilder, lazyBuilder) = (new AssetLockBuilder(options), new AssetLockBuilder(options));

        var fromObjects = items.SelectMany(eagerBuilder.Build).ToList();
        var fromRecords = lazy.SelectMany(lazyBuilder.Build).ToList();
        eagerBuilder.ReportCounts();
        lazyBuilder.ReportCounts();

        Assert.Equal(fromObjects.Select(Describe), fromRecords.Select(Describe));
        Assert.Equal(eagerBuilder.Warnings, lazyBuilder.Warnings);
        Assert.All(lazy, item => Assert.NotNull(item.Record));
    }

    private static string Describe(AssetLockBuildResult result) =>
        $"{result.ItemId} {result.AssetKey} {result.Error} {(result.Entry is { } e ? $"{e.StoreType} {e.StoreContainer} {e.StoreEndpointUrl} {e.Key} {e.SizeBytes} {e.FileChecksum}" : "-")}";

    [Fact]
    public void One_row_per_asset_without_metadata_unless_asked_with_file_info_prefilled()
    {
        var builder = new AssetLockBuilder();
        var results = builder.Build(Item()).ToList();
        Assert.Equal(["visual", "B04", "broken"], results.Select(r => r.AssetKey));
        var b04 = results[1].Entry!;
        Assert.Equal(("s3", "bucket", "b04.tif", 1200L), (b04.StoreType, b04.StoreContainer, b04.Key, b04.SizeBytes));
        Assert.Equal(Multihash.Sha256([9]), b04.FileChecksum);

        var all = new AssetLockBuilder(new AssetLockBuildOptions { IncludeMetadata = true }).Build(Item()).Select(r => r.AssetKey);
        Assert.Equal(["visual", "B04", "metadata", "mtl", "broken"], all);
    }

    [Fact]
    public void Dropped_queries_are_counted_in_one_warning_that_never_shows_a_query()
    {
        var builder = new AssetLockBuilder();
        var visual = builder.Build(Item()).First();
        Assert.Equal(("https", "https://example.com", "a/visual.tif"), (visual.Entry!.StoreType, visual.Entry.StoreContainer, visual.Entry.Key));
        _ = builder.Build(Item()).ToList();
        _ = builder.Build(Item()).ToList();
        Assert.Empty(builder.Warnings);

        builder.ReportCounts();

        var warning = Assert.Single(builder.Warnings);
        Assert.Contains("from 3 hrefs of 3 Items", warning);
        Assert.DoesNotContain("secret123", warning);
        Assert.DoesNotContain("Signature", warning);
    }

    [Fact]
    public void Checksums_that_cannot_be_locked_are_one_counted_warning_naming_the_first()
    {
        static StacItem WithMd5(string id) => new()
        {
            Id = id,
            Assets = new(StringComparer.Ordinal)
            {
                ["a"] = new StacAsset { Href = "s3://bucket/a.tif", AdditionalFields = new JsonMap { ["file:checksum"] = "d50110" + new string('0', 32) } },
                ["b"] = new StacAsset { Href = "s3://bucket/b.tif", AdditionalFields = new JsonMap { ["file:checksum"] = "1114" + new string('0', 40) } },
            },
        };
        var builder = new AssetLockBuilder();
        foreach (var id in new[] { "first", "second", "third" })
        {
            Assert.All(builder.Build(WithMd5(id)), r => Assert.Null(r.Entry!.FileChecksum));
        }
        Assert.Empty(builder.Warnings);

        builder.ReportCounts();

        var warning = Assert.Single(builder.Warnings);
        Assert.Equal("file:checksum of 6 assets is not a sha2-256 multihash and was not locked (the first: item 'first' asset 'a')", warning);
        builder.Warnings.Clear();
        _ = builder.Build(WithMd5("alone")).First();
        builder.ReportCounts();
        Assert.Equal("item 'alone' asset 'a': file:checksum is not a sha2-256 multihash and was not locked", Assert.Single(builder.Warnings));
    }

    [Fact]
    public void An_unparseable_href_is_a_per_asset_error_and_the_others_still_build()
    {
        var results = new AssetLockBuilder().Build(Item()).ToList();
        var broken = results.Single(r => r.AssetKey == "broken");
        Assert.Null(broken.Entry);
        Assert.Contains("item 'it' asset 'broken'", broken.Error);
        Assert.Equal(2, results.Count(r => r.Succeeded));
    }

    [Theory]
    [InlineData("B0?", "B04", true)]
    [InlineData("b*", "B04", true)]
    [InlineData("vis*", "B04", false)]
    [InlineData("B0[3-5]", "B04", true)]
    [InlineData("B0[12]", "B04", false)]
    [InlineData("a`*b", "a*b", true)]
    [InlineData("a`*b", "axb", false)]
    [InlineData("a.b", "axb", false)]
    public void Asset_key_wildcards(string pattern, string key, bool match) =>
        Assert.Equal(match, new AssetKeyPattern(pattern).IsMatch(key));

    [Fact]
    public void Asset_key_filter_selects_assets()
    {
        var keys = new AssetLockBuilder(new AssetLockBuildOptions { AssetKeys = ["vis*", "B0?"] }).Build(Item()).Select(r => r.AssetKey);
        Assert.Equal(["visual", "B04"], keys);
    }

    [Fact]
    public async Task Probe_fills_facts_in_input_order_and_reports_missing_objects_as_results()
    {
        var store = new MemoryObjectStore { HeadDelay = TimeSpan.FromMilliseconds(1) };
        var modified = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var entries = Enumerable.Range(0, 50).Select(i => new AssetLockEntry { ItemId = $"i{i}", AssetKey = "a", StoreType = "s3", StoreContainer = "b", Key = $"k{i}" }).ToList();
        foreach (var e in entries.Where((_, i) => i != 7)) store.Put(e.Key, new byte[int.Parse(e.Key[1..]) + 1], "\"e\"", modified);
        store.Fail("k3", new StoreException(StoreErrorKind.Transient, "503"));

        var builder = new AssetLockBuilder(new AssetLockBuildOptions { ThrottleLimit = 4, Retry = new RetryPolicy { InitialDelay = TimeSpan.FromMilliseconds(1) } });
        var results = new List<AssetLockBuildResult>();
        await foreach (var r in builder.ProbeAsync(AsyncSequence.From(entries), _ => store, CancellationToken.None)) results.Add(r);

        Assert.Equal(entries.Select(e => e.ItemId), results.Select(r => r.ItemId));
        Assert.Equal(4L, results[3].Entry!.SizeBytes);
        Assert.Equal(("\"e\"", "2024-01-02T03:04:05+00:00"), (results[0].Entry!.ETag, results[0].Entry!.LastModified));
        Assert.Contains("missing", results[7].Error);
        Assert.Equal(49, results.Count(r => r.Succeeded));
        Assert.All(entries, e => Assert.Null(e.ETag)); // inputs are not changed
        Assert.True(store.MaxInFlight <= 4);
    }
}
