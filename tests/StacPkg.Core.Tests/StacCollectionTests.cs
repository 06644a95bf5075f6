using System.Text;
using StacPkg.Core.Json;
using StacPkg.Core.Stac;

namespace StacPkg.Core.Tests;

/// <summary>What a STAC Collection must be, and Collections met in JSON Item input.</summary>
public sealed class StacCollectionTests
{
    public static TheoryData<string, string> NotCollections() => new()
    {
        { """{"type":"Feature","id":"x","stac_version":"1.1.0"}""", "Collection 'x' is a STAC Item, not a Collection" },
        { """{"type":"Catalog","id":"x"}""", "Collection 'x' is not a STAC Collection: type is 'Catalog', expected 'Collection'" },
        { """{"id":"x","description":"no type"}""", "Collection 'x' is not a STAC Collection: it has no \"type\": \"Collection\"" },
        { """{"type":"Collection","description":"d"}""", "the Collection has no id" },
        { """{"type":"Collection","id":""}""", "the Collection's id must be a non-empty string" },
        { """{"type":"Collection","id":7}""", "the Collection's id must be a non-empty string" },
        { """{"type":"Collection","id":"x","extent":{"spatial":{"bbox":[[1e400,0,1,1]]}}}""", "Collection 'x': extent.spatial.bbox[0][0] is not a finite number" },
        { """["not","an","object"]""", "a Collection must be a JSON object" },
        { """{"type":"Collection",""", "the Collection is not valid JSON" },
    };

    [Theory]
    [MemberData(nameof(NotCollections))]
    public void What_is_not_a_collection_is_refused_with_a_reason_naming_it(string json, string reason)
    {
        var error = Assert.Throws<StacFormatException>(() => StacCollection.Parse(json));

        Assert.StartsWith(reason, error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_collection_from_before_STAC_1_0_has_no_type_but_an_extent_and_a_license()
    {
        var collection = StacCollection.Parse("""{"stac_version":"0.9.0","id":"old","license":"MIT","extent":{"spatial":{"bbox":[[1,2,3,4]]},"temporal":{"interval":[[null,"2020-01-02T00:00:00Z"]]}}}""");

        Assert.Equal(("old", "MIT", "0.9.0"), (collection.Id, collection.License, collection.StacVersion));
        Assert.Equal([1.0, 2, 3, 4], collection.Bbox!);
        Assert.Null(collection.Start);
        Assert.Equal(new DateTimeOffset(2020, 1, 2, 0, 0, 0, TimeSpan.Zero), collection.End);
    }

    [Fact]
    public void The_document_is_kept_as_it_came()
    {
        var text = File.ReadAllText(Path.Combine(Support.DuckDb.RepoRoot, "samples", "local", "field-samples.collection.json"));

        var collection = StacCollection.Parse(text);

        Assert.Equal(("field-samples", "Field samples", "CC0-1.0"), (collection.Id, collection.Title, collection.License));
        Assert.Equal(["samples", "fields"], collection.Keywords);
        JsonAssert.Equal(JsonValueReader.Parse(Encoding.UTF8.GetBytes(text)), collection.Json);
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(System.Text.Json.JsonDocument.Parse(text).RootElement), collection.ToJsonText());
    }

    private static List<StacReadResult> ReadText(string text)
    {
        var stream = new StacJsonStream();
        return [.. stream.Push(text), .. stream.Complete()];
    }

    private static string ItemJson(string id, string? collection) =>
        "{\"type\":\"Feature\",\"stac_version\":\"1.1.0\",\"id\":\"" + id + "\"," +
        (collection is null ? "" : "\"collection\":\"" + collection + "\",") +
        "\"geometry\":null,\"properties\":{\"datetime\":\"2024-01-01T00:00:00Z\"},\"links\":[],\"assets\":{}}";

    [Fact]
    public void A_collection_in_json_input_is_no_error_and_the_items_after_it_carry_it()
    {
        var results = ReadText(string.Join('\n',
            ItemJson("before", "c"),
            """{"type":"Collection","id":"c","title":"first"}""",
            ItemJson("after", "c"),
            ItemJson("other", "d"),
            ItemJson("none", null),
            """{"type":"Collection","id":"c","title":"second"}""",
            ItemJson("later", "c")));

        Assert.All(results, r => Assert.Null(r.Error));
        Assert.Equal(
            [("before", null), ("after", "first"), ("other", null), ("none", null), ("later", "second")],
            results.Select(r => (r.Item!.Id, r.Item.StacCollection?.Title)));
    }

    [Fact]
    public void A_collection_among_the_features_of_an_array_is_attached_too()
    {
        var results = ReadText("[{\"type\":\"Collection\",\"id\":\"c\"}, " + ItemJson("a", "c") + "]");

        Assert.Equal("c", Assert.Single(results).Item!.StacCollection!.Id);
    }

    [Fact]
    public void A_broken_collection_in_json_input_is_an_error_naming_it_and_reading_goes_on()
    {
        var results = ReadText(string.Join('\n', """{"type":"Collection","title":"no id"}""", ItemJson("a", "c")));

        Assert.Collection(results,
            r => Assert.Equal("line 1, item #1: the Collection has no id", r.Error!.Message),
            r => Assert.Equal("a", r.Item!.Id));
    }
}
