using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using StacPkg.Core.Json;
using StacPkg.Core.Stac;

namespace StacPkg.Core.Tests;

/// <summary>
/// Items read from JSON text are kept as their records without building objects; each record must
/// be byte for byte the record of the same Item read the eager way, and whatever the fast path
/// refuses must come out as the eager path makes it (the same Item, or the same error).
/// </summary>
public sealed class StacItemRecordReadTests
{
    private const string Props = "\"properties\":{\"datetime\":\"2024-01-01T00:00:00Z\"}";

    /// <summary>Every JSON and NDJSON file under tests/fixtures, invalid ones included.</summary>
    public static TheoryData<string> AllJsonFixtures() => new(
        Directory.GetFiles(Fixtures.Root, "*.*json", SearchOption.AllDirectories)
            .Where(p => p.EndsWith(".json", StringComparison.Ordinal) || p.EndsWith(".ndjson", StringComparison.Ordinal))
            .Select(p => Path.GetRelativePath(Fixtures.Root, p))
            .Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(AllJsonFixtures))]
    public void Every_fixture_Item_reads_to_the_record_of_its_eager_Item(string file)
    {
        var texts = ItemTexts(Fixtures.PathOf(file));
        Assert.NotEmpty(texts);
        foreach (var text in texts)
        {
            AssertSameAsEager(text);
        }
        if (!file.StartsWith("invalid", StringComparison.Ordinal))
        {
            Assert.All(texts, text => Assert.NotNull(StacItemRecord.TryReadItem(text)));
        }
    }

    /// <summary>
    /// Generated from every fixture Item: re-serialised with every non-ASCII character and
    /// HTML-sensitive character escaped, pretty-printed, as a datetime range, without the members
    /// that may be absent, with a null collection, and with a top-level extra field.
    /// </summary>
    [Fact]
    public void Generated_variants_of_every_fixture_Item_read_to_their_eager_records()
    {
        var escaped = new JsonSerializerOptions { Encoder = JavaScriptEncoder.Default };
        var indented = new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        var count = 0;
        foreach (var file in Fixtures.ItemFiles())
        {
            foreach (var text in ItemTexts(Fixtures.PathOf(file)))
            {
                var node = JsonNode.Parse(text)!.AsObject();
                var variants = new List<string> { node.ToJsonString(escaped), node.ToJsonString(indented) };
                var range = node.DeepClone().AsObject();
                var properties = range["properties"]!.AsObject();
                if (properties["datetime"] is { } datetime)
                {
                    properties["start_datetime"] = datetime.DeepClone();
                    properties["end_datetime"] = "2100-01-01T00:00:00.123+02:00";
                    properties["datetime"] = null;
                }
                variants.Add(range.ToJsonString());
                var bare = node.DeepClone().AsObject();
                foreach (var member in new[] { "stac_extensions", "links", "assets", "bbox", "geometry" })
                {
                    bare.Remove(member);
                }
                bare["collection"] = null;
                bare["zz:extra"] = new JsonArray(1, "two", null, new JsonObject { ["x"] = 1.5 });
                variants.Add(bare.ToJsonString());
                foreach (var variant in variants)
                {
                    Assert.NotNull(StacItemRecord.TryReadItem(Encoding.UTF8.GetBytes(variant)));
                    AssertSameAsEager(Encoding.UTF8.GetBytes(variant));
                    count++;
                }
            }
        }
        Assert.True(count > 100, $"only {count} variants");
    }

    /// <summary>Unusual but valid Items the fast path takes: its record must be the eager one.</summary>
    public static TheoryData<string> TakenItems() => new()
    {
        Item("\"properties\":{\"datetime\":\"2024-01-01T00:00:00Z\",\"k\\u00e9y\":\"v\\\"al\\nue\\u2603\",\"\\ud83d\\ude00\":\"😀 ünïcödé\"}"),
        Item(Props + ",\"zero\":-0,\"negzero\":-0.0,\"one\":1,\"onedot\":1.0,\"exp\":1E2,\"big\":123456789012345678901234567890,\"min\":-9223372036854775808,\"max\":9223372036854775807"),
        Item("\"properties\":{\"datetime\":\"2024-01-01T00:00:00Z\",\"n\":[-0,1.0,1,1e-5,2.5E+3]}"),
        Item(Props + ",\"assets\":{\"a\":{\"href\":\"x\",\"type\":null,\"title\":null,\"description\":null,\"roles\":[\"data\"]}}"),
        Item(Props + ",\"assets\":{\"a\":{\"x\":1,\"type\":5,\"href\":\"x\",\"title\":[\"t\"],\"description\":\"d\",\"roles\":[1],\"y\":2}}"),
        Item(Props + ",\"assets\":{\"a\":{\"roles\":null,\"href\":\"x\",\"type\":\"image/tiff\"},\"b\":{\"href\":\"y\",\"roles\":[]}}"),
        Item(Props + ",\"links\":[{\"href\":\"h\",\"x\":{\"deep\":[1,{}]},\"rel\":\"self\",\"type\":null,\"title\":7,\"method\":\"GET\"}]"),
        Item(Props + ",\"links\":null,\"assets\":null"),
        Item(Props + ",\"bbox\":[1,2,3,4]"),
        Item(Props + ",\"bbox\":[1,2,-5,3.5,4,100]"),
        Item(Props + ",\"bbox\":null"),
        Item(Props + ",\"collection\":null"),
        Item(Props + ",\"collection\":\"c\\u00e9\",\"z\":true,\"a\":false"),
        "{\"zz\":1,\"properties\":{\"datetime\":\"2024-01-01T00:00:00Z\"},\"id\":\"x\",\"type\":\"Feature\",\"stac_version\":\"1.0.0\"}",
        Item(Props, geometry: "{\"coordinates\":[1,2,3],\"type\":\"Point\",\"bbox\":[1,2,1,2],\"foo\":{\"bar\":null}}"),
        Item(Props, geometry: "{\"type\":\"GeometryCollection\",\"geometries\":[{\"type\":\"Point\",\"coordinates\":[1,2]}]}"),
        Item("\"properties\":{\"datetime\":null,\"start_datetime\":\"2024-01-01T00:00:00+01:00\",\"end_datetime\":\"2024-01-02 00:00:00\",\"created\":null}"),
        Item(Props + ",\"stac_extensions\":[]"),
        "  {\"type\":\"Feature\",\"stac_version\":\"1.1.0\",\"id\":\"x\"," + Props + "}\r\n ",
    };

    [Theory]
    [MemberData(nameof(TakenItems))]
    public void Unusual_valid_Items_are_taken_and_read_to_their_eager_records(string json)
    {
        var utf8 = Encoding.UTF8.GetBytes(json);

        Assert.NotNull(StacItemRecord.TryReadItem(utf8));
        AssertSameAsEager(utf8);
    }

    /// <summary>Documents the fast path refuses: the eager path gives their Item or their error.</summary>
    public static TheoryData<string, string?> RefusedDocuments() => new()
    {
        { Item(Props + ",\"x\":1e400"), "x is out of range" },
        { Item(Props + ",\"x\":-1e400"), "x is out of range" },
        { Item("\"properties\":{\"datetime\":\"2024-01-01T00:00:00Z\",\"a\":1,\"a\":2}"), null },
        { "{\"type\":\"Feature\",\"id\":\"dup\",\"id\":\"y\",\"stac_version\":\"1.1.0\"," + Props + "}", null },
        { Item(Props + ",\"assets\":{\"a\":{\"href\":\"x\",\"href\":\"y\"}}"), null },
        { Item("\"properties\":{}"), "datetime is null or missing" },
        { Item("\"properties\":{\"datetime\":null,\"start_datetime\":\"2024-01-01T00:00:00Z\"}"), "start_datetime and end_datetime are required" },
        { Item("\"properties\":{\"datetime\":\"yesterday\"}"), "property 'datetime' must be an RFC 3339 timestamp" },
        { Item("\"properties\":{\"datetime\":\"2024-01-01T00:00:00Z\",\"created\":5}"), "property 'created' must be an RFC 3339 timestamp" },
        { Item("\"properties\":null"), "properties must be an object" },
        { "{\"type\":\"Feature\",\"stac_version\":\"1.1.0\",\"id\":\"x\"}", "no properties object" },
        { "{\"type\":\"Feature\",\"stac_version\":\"1.1.0\",\"id\":\"\"," + Props + "}", "id must be a non-empty string" },
        { "{\"type\":\"Feature\",\"stac_version\":\"1.1.0\",\"id\":5," + Props + "}", "id must be a non-empty string" },
        { "{\"type\":\"Feature\",\"stac_version\":\"1.1.0\"," + Props + "}", "the item has no id" },
        { "{\"type\":\"Feature\",\"id\":\"x\"," + Props + "}", "stac_version is missing" },
        { "{\"type\":\"Featur\",\"stac_version\":\"1.1.0\",\"id\":\"x\"," + Props + "}", "type is 'Featur'" },
        { Item(Props + ",\"collection\":5"), "collection must be a string" },
        { Item(Props + ",\"stac_extensions\":[\"a\",1]"), "stac_extensions must be an array of strings" },
        { Item(Props + ",\"stac_extensions\":null"), "stac_extensions must be an array of strings" },
        { Item(Props, geometry: "{\"type\":\"Point\",\"coordinates\":[1]}"), "geometry: position of Point has 1 coordinate" },
        { Item(Props, geometry: "[1,2]"), "geometry must be a GeoJSON geometry object or null" },
        { Item(Props + ",\"bbox\":[1,2,3]"), "bbox must be an array of 4 or 6 numbers" },
        { Item(Props + ",\"bbox\":[1,2,3,\"4\"]"), "bbox must be an array of 4 or 6 numbers" },
        { Item(Props + ",\"assets\":[]"), "assets must be an object" },
        { Item(Props + ",\"assets\":{\"a\":5}"), "asset 'a' must be an object" },
        { Item(Props + ",\"assets\":{\"a\":{\"type\":\"x\"}}"), "asset 'a' has no href" },
        { Item(Props + ",\"assets\":{\"a\":{\"href\":null}}"), "asset 'a': href must be a string" },
        { Item(Props + ",\"links\":{}"), "links must be an array" },
        { Item(Props + ",\"links\":[5]"), "link #1 must be an object" },
        { Item(Props + ",\"links\":[{\"rel\":\"a\",\"href\":\"b\"},{\"rel\":\"self\"}]"), "link #2 needs both rel and href" },
        { Item(Props + ",\"links\":[{\"rel\":1,\"href\":\"b\"}]"), "link #1: rel must be a string" },
        { "{\"type\":\"Collection\",\"id\":\"c\",\"stac_version\":\"1.1.0\",\"description\":\"d\",\"license\":\"x\",\"extent\":{\"spatial\":{\"bbox\":[[0,0,1,1]]},\"temporal\":{\"interval\":[[null,null]]}},\"links\":[]}", null },
    };

    [Theory]
    [MemberData(nameof(RefusedDocuments))]
    public void Refused_documents_come_out_as_the_eager_path_makes_them(string json, string? reason)
    {
        var utf8 = Encoding.UTF8.GetBytes(json);
        Assert.Null(StacItemRecord.TryReadItem(utf8));

        var results = new StacJsonStream("in.ndjson").Push(utf8.Concat("\n"u8.ToArray()).ToArray());

        var map = (JsonMap)JsonValueReader.Parse(utf8)!;
        if (map.Get("type") is "Collection")
        {
            Assert.Empty(results);
            return;
        }
        var result = Assert.Single(results);
        StacItem eager;
        try
        {
            eager = StacItem.FromJson(map);
        }
        catch (StacFormatException ex)
        {
            Assert.NotNull(reason);
            Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
            Assert.Equal(ex.At("in.ndjson", 1, 1).Message, result.Error!.Message);
            return;
        }
        Assert.Null(reason);
        Assert.Null(result.Item!.Record);
        Assert.Equal(JsonValueWriter.ToJson(eager.ToJson(), false), JsonValueWriter.ToJson(result.Item.ToJson(), false));
    }

    [Fact]
    public void A_duplicate_name_reads_with_the_last_value_as_before()
    {
        var item = Assert.Single(new StacJsonStream().Push(Item("\"properties\":{\"datetime\":\"2024-01-01T00:00:00Z\",\"a\":1,\"a\":2}"))).Item!;

        Assert.Equal(2L, item.Properties["a"]);
    }

    [Fact]
    public void A_Collection_before_its_Items_is_attached_to_the_lazy_Items()
    {
        var collection = """{"type":"Collection","id":"c","stac_version":"1.1.0","description":"d","license":"x","extent":{"spatial":{"bbox":[[0,0,1,1]]},"temporal":{"interval":[[null,null]]}},"links":[]}""";
        var text = collection + "\n" + Item(Props + ",\"collection\":\"c\"") + "\n" + Item(Props + ",\"collection\":\"other\"") + "\n";

        var results = new StacJsonStream().Push(Encoding.UTF8.GetBytes(text));

        Assert.Equal(2, results.Count);
        Assert.NotNull(results[0].Item!.Record);
        Assert.Equal("c", results[0].Item!.StacCollection!.Id);
        Assert.Equal("c", results[0].Item!.Collection);
        Assert.Null(results[1].Item!.StacCollection);
    }

    [Fact]
    public void An_Item_read_lazily_and_then_touched_has_the_eager_values_and_the_change()
    {
        var utf8 = ItemTexts(Fixtures.PathOf("stac-geoparquet/sentinel-2-l2a-pc.json"))[0];
        var eager = StacItem.FromJson((JsonMap)JsonValueReader.Parse(utf8)!);
        var lazy = Assert.Single(new StacJsonStream().Push(utf8)).Item!;
        Assert.NotNull(lazy.Record);
        Assert.Equal(eager.Id, lazy.Id);
        Assert.Equal(eager.Collection, lazy.Collection);
        Assert.NotNull(lazy.Record);

        lazy.Properties["x"] = 1L;
        eager.Properties["x"] = 1L;

        Assert.Null(lazy.Record);
        Assert.Equal(JsonValueWriter.ToJson(eager.ToJson(), false), JsonValueWriter.ToJson(lazy.ToJson(), false));
        Assert.Equal(StacItemRecord.FromItem(eager).Bytes, lazy.ToRecord().Bytes);
    }

    private static string Item(string members, string geometry = "{\"type\":\"Point\",\"coordinates\":[1.5,2]}") =>
        "{\"type\":\"Feature\",\"stac_version\":\"1.1.0\",\"id\":\"it\u00e9m\",\"geometry\":" + geometry + "," + members + "}";

    /// <summary>The record the fast path makes equals the eager record; id and collection are the eager Item's; a refusal is allowed only where the eager path refuses or differs.</summary>
    private static void AssertSameAsEager(byte[] utf8)
    {
        var lazy = StacItemRecord.TryReadItem(utf8);
        StacItem eager;
        try
        {
            eager = StacItem.FromJson((JsonMap)JsonValueReader.Parse(utf8)!);
        }
        catch (Exception ex) when (ex is StacFormatException or JsonException)
        {
            Assert.Null(lazy);
            return;
        }
        if (lazy is null)
        {
            return;
        }
        Assert.Equal(StacItemRecord.FromItem(eager).Bytes, lazy.Record!.Bytes);
        Assert.Equal(eager.Id, lazy.Id);
        Assert.Equal(eager.Collection, lazy.Collection);
    }

    /// <summary>The original UTF-8 text of each Item in a file: NDJSON lines, array elements, features, or the one document.</summary>
    private static List<byte[]> ItemTexts(string path)
    {
        if (path.EndsWith(".ndjson", StringComparison.Ordinal))
        {
            return File.ReadAllLines(path).Where(l => l.Trim().Length > 0).Select(Encoding.UTF8.GetBytes).ToList();
        }
        var bytes = File.ReadAllBytes(path);
        using var document = JsonDocument.Parse(bytes);
        var root = document.RootElement;
        var items = root.ValueKind == JsonValueKind.Array ? root.EnumerateArray().ToList()
            : root.TryGetProperty("features", out var features) ? features.EnumerateArray().ToList()
            : [root];
        return items.Select(e => Encoding.UTF8.GetBytes(e.GetRawText())).ToList();
    }
}
