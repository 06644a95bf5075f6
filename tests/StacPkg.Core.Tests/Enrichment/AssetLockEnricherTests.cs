using StacPkg.Core.Enrichment;
using StacPkg.Core.Json;
using StacPkg.Core.Lock;
using StacPkg.Core.Stac;

namespace StacPkg.Core.Tests.Enrichment;

public class AssetLockEnricherTests
{
    private static readonly string HashA = Multihash.Sha256([1]);
    private static readonly string HashB = Multihash.Sha256([2]);

    private static StacItem Item(string id = "it") => new()
    {
        Id = id,
        Properties = new JsonMap { ["datetime"] = "2024-01-01T00:00:00Z" },
        Assets = new(StringComparer.Ordinal)
        {
            ["data"] = new StacAsset { Href = "https://example.com/data.tif" },
            ["thumb"] = new StacAsset { Href = "https://example.com/thumb.png", AdditionalFields = new JsonMap { ["file:checksum"] = HashA.ToUpperInvariant() } },
            ["other"] = new StacAsset { Href = "https://example.com/other.txt" },
        },
    };

    private static AssetLockEntry Row(string assetKey, long? size, string? checksum, string itemId = "it", string key = "/copies/x") => new()
    {
        ItemId = itemId, AssetKey = assetKey, StoreType = "file", Key = key, SizeBytes = size, FileChecksum = checksum,
    };

    [Fact]
    public void A_bundled_row_of_a_package_becomes_the_full_path_inside_that_package()
    {
        var root = Path.Combine(Path.GetTempPath(), "some.pkg");
        var bundled = Row("data", 10, null, key: "assets/it/data.tif");
        bundled.PackageRoot = root;
        var outside = Row("thumb", 5, null, key: "../x.png");
        outside.PackageRoot = root;
        var result = new AssetLockEnricher([bundled, outside], alternateKey: "local").Enrich(Item());
        Assert.Equal(Path.Combine(root, "assets", "it", "data.tif"), ((JsonMap)((JsonMap)result.Item.Assets["data"].AdditionalFields["alternate"]!)["local"]!)["href"]);
        // Not a bundled row: its href as the lock holds it.
        Assert.Equal("../x.png", ((JsonMap)((JsonMap)result.Item.Assets["thumb"].AdditionalFields["alternate"]!)["local"]!)["href"]);
    }

    [Fact]
    public void A_row_that_breaks_a_rule_is_refused_before_any_Item_is_written()
    {
        var ex = Assert.Throws<ArgumentException>(() => new AssetLockEnricher([Row("data", 10, HashB), Row("thumb", -5, "zzzz")]));
        Assert.StartsWith("invalid lock row: item 'it' asset 'thumb': size_bytes -5 is negative; file_checksum 'zzzz' is not hex digits in pairs", ex.Message);
    }

    [Fact]
    public void Writes_file_info_on_matching_assets_of_a_copy_and_declares_the_extension_once()
    {
        var item = Item();
        item.StacExtensions.Add(StacExtensionUris.FileInfo);
        var result = new AssetLockEnricher([Row("data", 10, HashB), Row("thumb", 5, null)]).Enrich(item);

        Assert.NotSame(item, result.Item);
        Assert.Equal(2, result.MatchedAssets);
        Assert.Empty(result.Warnings);
        var data = result.Item.Assets["data"].AdditionalFields;
        Assert.Equal(10L, data["file:size"]);
        Assert.Equal(HashB, data["file:checksum"]);
        // No checksum in the lock: the Item's own is kept as written.
        Assert.Equal(HashA.ToUpperInvariant(), result.Item.Assets["thumb"].AdditionalFields["file:checksum"]);
        Assert.False(result.Item.Assets["other"].AdditionalFields.ContainsKey("file:size"));
        Assert.Equal([StacExtensionUris.FileInfo], result.Item.StacExtensions);
        // The input is untouched.
        Assert.False(item.Assets["data"].AdditionalFields.ContainsKey("file:size"));
    }

    [Fact]
    public void Same_checksum_is_kept_a_different_one_is_replaced_with_a_warning()
    {
        var same = new AssetLockEnricher([Row("thumb", 5, HashA)]).Enrich(Item());
        Assert.Empty(same.Warnings);
        Assert.Equal(HashA.ToUpperInvariant(), same.Item.Assets["thumb"].AdditionalFields["file:checksum"]);

        var item = Item();
        var different = new AssetLockEnricher([Row("thumb", 5, HashB)]).Enrich(item);
        var warning = Assert.Single(different.Warnings);
        Assert.Contains("item 'it' asset 'thumb'", warning);
        Assert.Equal(HashB, different.Item.Assets["thumb"].AdditionalFields["file:checksum"]);
        Assert.Equal(HashA.ToUpperInvariant(), item.Assets["thumb"].AdditionalFields["file:checksum"]);
    }

    [Fact]
    public void Another_hash_function_cannot_be_proven_wrong_and_is_kept()
    {
        var item = Item();
        item.Assets["data"].AdditionalFields["file:checksum"] = "d50110" + new string('a', 32);
        var result = new AssetLockEnricher([Row("data", 10, HashB)]).Enrich(item);
        Assert.Empty(result.Warnings);
        Assert.Equal("d50110" + new string('a', 32), result.Item.Assets["data"].AdditionalFields["file:checksum"]);
    }

    [Fact]
    public void Items_without_rows_pass_through_as_the_same_object()
    {
        var item = Item("elsewhere");
        var result = new AssetLockEnricher([Row("data", 10, HashB)]).Enrich(item);
        Assert.Same(item, result.Item);
        Assert.Equal(0, result.MatchedAssets);
        Assert.Empty(item.StacExtensions);
    }

    [Fact]
    public void Alternate_key_writes_the_locked_href_and_name_and_declares_alternate_assets()
    {
        var result = new AssetLockEnricher([Row("data", 10, null, key: "/copies/data.tif")], "local", "Local copy").Enrich(Item());
        var alternate = (JsonMap)((JsonMap)result.Item.Assets["data"].AdditionalFields["alternate"]!)["local"]!;
        Assert.Equal("/copies/data.tif", alternate["href"]);
        Assert.Equal("Local copy", alternate["alternate:name"]);
        Assert.Equal([StacExtensionUris.FileInfo, StacExtensionUris.AlternateAssets], result.Item.StacExtensions);
        Assert.Equal("https://example.com/data.tif", result.Item.Assets["data"].Href);
    }

    [Fact]
    public void Rows_without_facts_add_no_file_info_and_no_declaration()
    {
        var result = new AssetLockEnricher([Row("data", null, null)]).Enrich(Item());
        Assert.Equal(1, result.MatchedAssets);
        Assert.False(result.Item.Assets["data"].AdditionalFields.ContainsKey("file:size"));
        Assert.Empty(result.Item.StacExtensions);
    }
}
