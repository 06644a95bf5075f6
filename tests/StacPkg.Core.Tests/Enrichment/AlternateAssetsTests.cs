using StacPkg.Core.Enrichment;
using StacPkg.Core.Json;
using StacPkg.Core.Stac;

namespace StacPkg.Core.Tests.Enrichment;

public class AlternateAssetsTests
{
    private static StacItem Item() => new()
    {
        Id = "it",
        Properties = new JsonMap { ["datetime"] = "2024-01-01T00:00:00Z" },
        Assets = new(StringComparer.Ordinal)
        {
            ["data"] = new StacAsset
            {
                Href = "https://example.com/data.tif",
                AdditionalFields = new JsonMap { ["alternate:name"] = "HTTPS", ["file:size"] = 10L },
            },
        },
    };

    private static JsonMap Alternates(StacItem item, string key = "data") => (JsonMap)item.Assets[key].AdditionalFields["alternate"]!;

    [Fact]
    public void Add_writes_an_alternate_on_a_copy_and_declares_the_extension_once()
    {
        var item = Item();
        var added = AlternateAssets.Add(item, "data", "local", "/copies/data.tif", "Local", "Disk");
        var again = AlternateAssets.Add(added, "data", "local", "/copies/data2.tif");

        Assert.False(item.Assets["data"].AdditionalFields.ContainsKey("alternate"));
        Assert.Equal(new JsonMap { ["href"] = "/copies/data.tif", ["title"] = "Local", ["alternate:name"] = "Disk" }, (JsonMap)Alternates(added)["local"]!);
        Assert.Equal("/copies/data2.tif", ((JsonMap)Alternates(again)["local"]!)["href"]);
        Assert.Equal([StacExtensionUris.AlternateAssets], again.StacExtensions);
    }

    [Fact]
    public void Switch_swaps_primary_and_alternate_and_twice_restores()
    {
        var item = AlternateAssets.Add(Item(), "data", "local", "/copies/data.tif", alternateName: "Disk");
        var switched = AlternateAssets.Switch(item, "data", "local");

        var asset = switched.Assets["data"];
        Assert.Equal("/copies/data.tif", asset.Href);
        Assert.Equal("Disk", asset.AdditionalFields["alternate:name"]);
        Assert.Equal(10L, asset.AdditionalFields["file:size"]);
        Assert.Equal(new JsonMap { ["href"] = "https://example.com/data.tif", ["alternate:name"] = "HTTPS" }, (JsonMap)Alternates(switched)["local"]!);
        Assert.Equal("https://example.com/data.tif", item.Assets["data"].Href);

        var back = AlternateAssets.Switch(switched, "data", "local");
        Assert.Equal(StacItemJson.Serialize(item, indented: false), StacItemJson.Serialize(back, indented: false));
    }

    [Fact]
    public void Switch_keeps_the_old_primary_under_the_previous_name()
    {
        var item = AlternateAssets.Add(Item(), "data", "local", "/copies/data.tif");
        var switched = AlternateAssets.Switch(item, "data", "local", "origin");
        Assert.Equal(["origin"], Alternates(switched).Keys);
        Assert.Equal("https://example.com/data.tif", ((JsonMap)Alternates(switched)["origin"]!)["href"]);
        Assert.False(switched.Assets["data"].AdditionalFields.ContainsKey("alternate:name"));
    }

    [Fact]
    public void Switch_refuses_a_previous_name_another_alternate_holds_unless_replace()
    {
        var item = AlternateAssets.Add(AlternateAssets.Add(Item(), "data", "az", "az://c/k"), "data", "s3", "s3://b/k");

        var refused = Assert.Throws<AlternateNameTakenException>(() => AlternateAssets.Switch(item, "data", "s3", "az"));
        Assert.Equal("az", refused.Name);
        Assert.Contains("item 'it' asset 'data' already has an alternate 'az'", refused.Message);
        Assert.Equal("az://c/k", ((JsonMap)Alternates(item)["az"]!)["href"]);

        var replaced = AlternateAssets.Switch(item, "data", "s3", "az", replace: true);
        Assert.Equal("s3://b/k", replaced.Assets["data"].Href);
        Assert.Equal(["az"], Alternates(replaced).Keys);
        Assert.Equal("https://example.com/data.tif", ((JsonMap)Alternates(replaced)["az"]!)["href"]);
    }

    [Fact]
    public void Remove_drops_the_alternate_and_the_declaration_when_nothing_uses_it()
    {
        var item = Item();
        item.Assets["data"].AdditionalFields.Remove("alternate:name");
        var added = AlternateAssets.Add(item, "data", "local", "/copies/data.tif");
        var removed = AlternateAssets.Remove(added, "data", "local");
        Assert.False(removed.Assets["data"].AdditionalFields.ContainsKey("alternate"));
        Assert.Empty(removed.StacExtensions);
        Assert.True(Alternates(added).ContainsKey("local"));

        // alternate:name on the asset still uses the extension.
        var named = AlternateAssets.Remove(AlternateAssets.Add(Item(), "data", "local", "/x"), "data", "local");
        Assert.Equal([StacExtensionUris.AlternateAssets], named.StacExtensions);
    }

    [Fact]
    public void Missing_asset_or_alternate_names_item_and_asset()
    {
        var missingAsset = Assert.Throws<StacEnrichmentException>(() => AlternateAssets.Add(Item(), "nope", "local", "/x"));
        Assert.Contains("item 'it' has no asset 'nope'", missingAsset.Message);
        var missingAlternate = Assert.Throws<StacEnrichmentException>(() => AlternateAssets.Switch(Item(), "data", "local"));
        Assert.Contains("item 'it' asset 'data' has no alternate 'local'", missingAlternate.Message);
        Assert.Throws<StacEnrichmentException>(() => AlternateAssets.Remove(Item(), "data", "local"));
    }

    [Fact]
    public void Clone_shares_nothing_mutable()
    {
        var item = AlternateAssets.Add(Item(), "data", "local", "/x");
        item.Properties["list"] = new List<object?> { new JsonMap { ["a"] = 1L } };
        var copy = StacItemCopy.Clone(item);
        ((JsonMap)((List<object?>)copy.Properties["list"]!)[0]!)["a"] = 2L;
        ((JsonMap)Alternates(copy)["local"]!)["href"] = "/y";
        Assert.Equal(1L, ((JsonMap)((List<object?>)item.Properties["list"]!)[0]!)["a"]);
        Assert.Equal("/x", ((JsonMap)Alternates(item)["local"]!)["href"]);
        Assert.Equal(StacItemJson.Serialize(item, indented: false), StacItemJson.Serialize(StacItemCopy.Clone(item), indented: false));
    }

    [Fact]
    public void Alternates_a_script_wrote_as_hashtables_are_understood()
    {
        var item = Item();
        item.Assets["data"].AdditionalFields["alternate"] = new System.Collections.Hashtable
        {
            ["local"] = new System.Collections.Hashtable { ["href"] = "/copies/data.tif" },
        };
        var switched = AlternateAssets.Switch(item, "data", "local");
        Assert.Equal("/copies/data.tif", switched.Assets["data"].Href);
        Assert.Equal("https://example.com/data.tif", ((JsonMap)Alternates(switched)["local"]!)["href"]);
        Assert.IsType<System.Collections.Hashtable>(item.Assets["data"].AdditionalFields["alternate"]);
    }
}
