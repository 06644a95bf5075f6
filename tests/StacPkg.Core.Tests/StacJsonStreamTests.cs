using System.Text;
using StacPkg.Core.Stac;

namespace StacPkg.Core.Tests;

public sealed class StacJsonStreamTests
{
    public enum Chunking
    {
        Whole,
        LinesAsText,
        OneByte,
        SevenBytes,
        SevenChars,
    }

    public static TheoryData<string, Chunking> FixturesByChunking()
    {
        var data = new TheoryData<string, Chunking>();
        foreach (var file in Fixtures.ItemFiles())
        {
            foreach (var chunking in Enum.GetValues<Chunking>())
            {
                data.Add(file, chunking);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(FixturesByChunking))]
    public void Fixture_parses_to_its_items_in_any_chunking(string file, Chunking chunking)
    {
        var path = Fixtures.PathOf(file);
        var results = Feed(new StacJsonStream(path), File.ReadAllBytes(path), chunking);

        Assert.All(results, r => Assert.Null(r.Error));
        Assert.Equal(Fixtures.ExpectedIds(path), results.Select(r => r.Item!.Id));
    }

    [Fact]
    public void FeatureCollection_items_come_out_before_the_collection_closes()
    {
        var bytes = File.ReadAllBytes(Fixtures.PathOf("rustac/item-collection.json"));
        var stream = new StacJsonStream();

        var firstHalf = stream.Push(bytes.AsSpan(0, bytes.Length / 2));

        Assert.InRange(firstHalf.Count, 10, 15);
        Assert.All(firstHalf, r => Assert.NotNull(r.Item));
        var rest = stream.Push(bytes.AsSpan(bytes.Length / 2)).Concat(stream.Complete()).ToList();
        Assert.Equal(30, firstHalf.Count + rest.Count);
    }

    [Fact]
    public void Search_response_members_around_the_features_are_ignored_in_any_order()
    {
        var text = $$"""
            {"links":[{"rel":"next","href":"https://x/search?page=2"}],"context":{"returned":2},
             "features":[{{Item("a")}},{{Item("b")}}],"type":"FeatureCollection","numberReturned":2}
            {"type":"FeatureCollection","features":[]}
            """;

        var results = Feed(new StacJsonStream(), Encoding.UTF8.GetBytes(text), Chunking.OneByte);

        Assert.Equal(["a", "b"], results.Select(r => r.Item!.Id));
    }

    [Fact]
    public void Concatenated_documents_and_whitespace_separated_values_all_come_out()
    {
        var text = $"\uFEFF{Item("a")}{Item("b")} [{Item("c")}, {Item("d")}]\r\n\r\n{{\"type\":\"FeatureCollection\",\"features\":[{Item("e")}]}}";

        var results = Feed(new StacJsonStream(), Encoding.UTF8.GetBytes(text), Chunking.SevenBytes);

        Assert.Equal(["a", "b", "c", "d", "e"], results.Select(r => r.Item!.Id));
    }

    [Fact]
    public void Ndjson_memory_stays_bounded_for_a_long_stream()
    {
        var stream = new StacJsonStream();
        var count = 0;
        for (var i = 0; i < 100_000; i++)
        {
            foreach (var result in stream.Push(Item($"item-{i}") + "\n"))
            {
                Assert.Equal($"item-{i}", result.Item!.Id);
                count++;
            }
            Assert.True(stream.BufferCapacity <= 4096, $"buffer grew to {stream.BufferCapacity} bytes at item {i}");
        }
        Assert.Empty(stream.Complete());
        Assert.Equal(100_000, count);
    }

    [Fact]
    public void One_huge_push_is_scanned_in_slices_with_a_bounded_buffer()
    {
        var text = new StringBuilder();
        for (var i = 0; i < 20_000; i++)
        {
            text.Append(Item($"item-{i}")).Append('\n');
        }
        var stream = new StacJsonStream();

        var results = stream.Push(Encoding.UTF8.GetBytes(text.ToString()));

        Assert.Equal(20_000, results.Count);
        Assert.True(stream.BufferCapacity <= 256 * 1024, $"buffer grew to {stream.BufferCapacity} bytes");
    }

    public static TheoryData<string, string> BadLines() => new()
    {
        { """{"type": "Feature", "id": """, "truncated JSON" },
        { """{"type": "Feature", "stac_version": "1.1.0", "id": "x" """, "expected ',' or '}'" },
        { """{"type":"Feature","id":"plain","geometry":null,"properties":{}}""", "not a STAC Item" },
        { """{"type":"Feature","stac_version":"1.1.0","geometry":null,"properties":{"datetime":"2024-01-01T00:00:00Z"}}""", "no id" },
        { """{"type":"Feature","stac_version":"1.1.0","id":"g","geometry":{"coordinates":[1,2]},"properties":{"datetime":"2024-01-01T00:00:00Z"}}""", "geometry" },
        { """{"type":"Feature","stac_version":"1.1.0","id":"b","geometry":null,"bbox":"1,2,3,4","properties":{"datetime":"2024-01-01T00:00:00Z"}}""", "bbox must be an array" },
        { """{"type":"Feature","stac_version":"1.1.0","id":"q","geometry":null,"properties":{"datetime":"2024-01-01T00:00:00Z","title":"unterminated}}""", "line break inside a string" },
        { """{"type":"Feature" "id":"x"}""", "expected ',' or '}'" },
        // A Collection is not an error (the Items after it carry it), but a Catalog is not an Item.
        { """{"type":"Catalog","id":"c"}""", "type is 'Catalog'" },
        { """{"type":"Collection","title":"no id"}""", "the Collection has no id" },
        { "42", "expected a JSON object or array" },
        { "[42]", "got a number" },
        { "[\"x\"]", "got a string" },
        { "not json at all", "expected a JSON object or array" },
        { "}", "expected a JSON object or array" },
        { """{"a":[1,2}""", "expected ',' or ']'" },
        { """{"a":tru}""", "invalid JSON" },
    };

    [Theory]
    [MemberData(nameof(BadLines))]
    public void Bad_ndjson_line_fails_alone_and_the_next_lines_still_come_through(string bad, string reason)
    {
        var lines = new[] { Item("first"), bad, Item("second"), Item("third") };
        foreach (var chunking in new[] { Chunking.LinesAsText, Chunking.Whole, Chunking.OneByte })
        {
            var results = Feed(new StacJsonStream("items.ndjson"), Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n"), chunking);

            Assert.Equal(["first", "second", "third"], results.Where(r => r.Item is not null).Select(r => r.Item!.Id));
            var error = Assert.Single(results, r => r.Error is not null).Error!;
            Assert.Equal(2, error.Line);
            Assert.Equal("items.ndjson", error.InputName);
            Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
            Assert.Contains("items.ndjson, line 2", error.Message, StringComparison.Ordinal);
            Assert.Equal(1, results.FindIndex(r => r.Error is not null));
        }
    }

    [Fact]
    public void Error_names_the_item_id_and_position_when_known()
    {
        var bad = """{"type":"Feature","stac_version":"1.1.0","id":"wrong-bbox","geometry":null,"bbox":[1,2],"properties":{"datetime":"2024-01-01T00:00:00Z"}}""";
        var text = $"[{Item("a")},\n{bad},\n{Item("c")}]";

        var results = Feed(new StacJsonStream(), Encoding.UTF8.GetBytes(text), Chunking.Whole);

        var error = results[1].Error!;
        Assert.Equal("wrong-bbox", error.ItemId);
        Assert.Equal(2, error.Index);
        Assert.Equal(2, error.Line);
        Assert.Equal("line 2, item #2, id 'wrong-bbox': bbox must be an array of 4 or 6 numbers", error.Message);
        Assert.Equal("c", results[2].Item!.Id);
    }

    [Fact]
    public void Empty_id_fixture_is_refused_with_its_reason()
    {
        var path = Fixtures.PathOf("invalid/empty-id-item.json");
        var stream = new StacJsonStream(path);
        var text = File.ReadAllText(path) + "\n" + Item("after");

        var results = Feed(stream, Encoding.UTF8.GetBytes(text), Chunking.LinesAsText);

        Assert.Equal(2, results.Count);
        Assert.Equal("id must be a non-empty string", results[0].Error!.Reason);
        Assert.Equal(1, results[0].Error!.Line);
        Assert.Equal("after", results[1].Item!.Id);
    }

    [Fact]
    public void Invalid_utf8_inside_a_string_fails_that_line_only()
    {
        var bytes = new List<byte>();
        bytes.AddRange(Encoding.UTF8.GetBytes(Item("ok-1") + "\n"));
        bytes.AddRange(Encoding.UTF8.GetBytes("""{"type":"Feature","stac_version":"1.1.0","id":"bad-utf8","geometry":null,"properties":{"datetime":"2024-01-01T00:00:00Z","title":" """));
        bytes.AddRange(new byte[] { 0xC3, 0x28, 0xFF, 0xFE });
        bytes.AddRange(Encoding.UTF8.GetBytes("\"}}\n" + Item("ok-2") + "\n"));

        var results = Feed(new StacJsonStream(), bytes.ToArray(), Chunking.SevenBytes);

        Assert.Equal(3, results.Count);
        Assert.Equal("ok-1", results[0].Item!.Id);
        Assert.Contains("UTF-8", results[1].Error!.Reason, StringComparison.Ordinal);
        Assert.Equal(2, results[1].Error!.Line);
        Assert.Equal("ok-2", results[2].Item!.Id);
    }

    [Fact]
    public void Truncated_document_is_reported_at_complete_with_its_start_line()
    {
        var text = File.ReadAllText(Fixtures.PathOf("rustac/item-collection.json"));
        var stream = new StacJsonStream("cut.json");

        var results = Feed(stream, Encoding.UTF8.GetBytes(text[..(text.Length * 3 / 4)]), Chunking.LinesAsText);

        var error = Assert.Single(results, r => r.Error is not null).Error!;
        Assert.Same(error, results[^1].Error);
        Assert.Contains("truncated JSON", error.Reason, StringComparison.Ordinal);
        Assert.True(results.Count(r => r.Item is not null) >= 20);
        Assert.Equal(results.Count, error.Index);
    }

    [Fact]
    public void Syntax_error_in_a_pretty_printed_document_does_not_cascade_into_its_lines()
    {
        var pretty = """
            {
              "type": "Feature",
              "id": "broken",
              "properties": {
                "a": [1, 2,, 3]
              },
              "links": [
                {"rel": "self", "href": "x"}
              ]
            }
            """;
        var text = pretty + "\n" + Item("next") + "\n";

        var results = Feed(new StacJsonStream(), Encoding.UTF8.GetBytes(text), Chunking.LinesAsText);

        Assert.Equal(2, results.Count);
        Assert.Contains("line 5, column", results[0].Error!.Reason, StringComparison.Ordinal);
        Assert.Equal(1, results[0].Error!.Line);
        Assert.Equal("next", results[1].Item!.Id);
    }

    /// <summary>A pretty-printed FeatureCollection of <paramref name="count"/> Items, features indented as most writers do.</summary>
    private static string PrettyCollection(int count)
    {
        var features = string.Join(",", Enumerable.Range(1, count).Select(i => Item($"f{i}")));
        var node = System.Text.Json.Nodes.JsonNode.Parse($$"""{"type":"FeatureCollection","features":[{{features}}]}""")!;
        return node.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Text with <paramref name="edit"/> applied at the <paramref name="nth"/> occurrence of <paramref name="anchor"/>.</summary>
    private static string EditAt(string text, string anchor, int nth, Func<string, string> edit)
    {
        var at = -1;
        for (var i = 0; i < nth; i++)
        {
            at = text.IndexOf(anchor, at + 1, StringComparison.Ordinal);
        }
        return text[..at] + edit(anchor) + text[(at + anchor.Length)..];
    }

    public static TheoryData<string, string> BrokenSecondFeature() => new()
    {
        { "missing comma", "expected ',' or '}'" },
        { "extra comma", "expected a member name" },
        { "extra brace", "expected a member name" },
        { "missing brace", "expected a member name in double quotes" },
        { "unterminated string", "line break inside a string" },
    };

    [Theory]
    [MemberData(nameof(BrokenSecondFeature))]
    public void Syntax_error_in_one_feature_of_a_collection_skips_only_that_feature(string damage, string reason)
    {
        var text = PrettyCollection(100);
        text = damage switch
        {
            "missing comma" => EditAt(text, "\"stac_version\": \"1.1.0\",", 2, s => s.TrimEnd(',')),
            "extra comma" => EditAt(text, "\"stac_version\": \"1.1.0\",", 2, s => s + ","),
            "extra brace" => EditAt(text, "\"properties\": {", 2, s => s + "{"),
            "missing brace" => EditAt(text, "Z\"\n      }", 2, s => s[..^1]),
            _ => EditAt(text, "\"id\": \"f2\"", 1, s => "\"id\": \"f2"),
        };
        foreach (var chunking in new[] { Chunking.Whole, Chunking.LinesAsText, Chunking.SevenBytes })
        {
            var results = Feed(new StacJsonStream("collection.json"), Encoding.UTF8.GetBytes(text), chunking);

            var items = results.Where(r => r.Item is not null).Select(r => r.Item!.Id).ToList();
            Assert.Equal(Enumerable.Range(1, 100).Where(i => i != 2).Select(i => $"f{i}"), items);
            var error = Assert.Single(results, r => r.Error is not null).Error!;
            Assert.Equal(2, error.Index);
            Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
            Assert.Equal(1, results.FindIndex(r => r.Error is not null));
        }
    }

    [Fact]
    public void Comma_missing_between_two_features_is_reported_and_both_come_through()
    {
        var text = EditAt(PrettyCollection(5), "},\n    {", 2, s => s.Replace(",", "", StringComparison.Ordinal));

        var results = Feed(new StacJsonStream(), Encoding.UTF8.GetBytes(text), Chunking.LinesAsText);

        Assert.Equal(["f1", "f2", "f3", "f4", "f5"], results.Where(r => r.Item is not null).Select(r => r.Item!.Id));
        Assert.Contains("expected ',' or ']'", Assert.Single(results, r => r.Error is not null).Error!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Lines_skipped_after_an_error_outside_any_item_are_counted()
    {
        var text = "{\"type\":\"FeatureCollection\",\"features\":[" + Item("a") + ",,\n  " + Item("b") + ",\n  " + Item("c") + "]}\n" + Item("d") + "\n";

        var results = Feed(new StacJsonStream(), Encoding.UTF8.GetBytes(text), Chunking.Whole);

        Assert.Equal(["a", "d"], results.Where(r => r.Item is not null).Select(r => r.Item!.Id));
        var errors = results.Where(r => r.Error is not null).Select(r => r.Error!.Reason).ToList();
        Assert.Equal(2, errors.Count);
        // From the error to the start of the line of Item d: the rest of line 1, and lines 2 and 3.
        var skipped = Encoding.UTF8.GetByteCount(text[text.IndexOf(",,", StringComparison.Ordinal)..text.LastIndexOf("{\"type\":\"Feature\"", StringComparison.Ordinal)]) - 1;
        Assert.Contains($"2 lines ({skipped} bytes)", errors[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Syntax_error_in_an_element_of_a_top_level_array_skips_only_that_element()
    {
        var text = $"[{Item("a")},\n{Item("b").Replace("\"id\":", "\"id\"", StringComparison.Ordinal)},\n{Item("c")}]";

        var results = Feed(new StacJsonStream(), Encoding.UTF8.GetBytes(text), Chunking.Whole);

        Assert.Equal(["a", "c"], results.Where(r => r.Item is not null).Select(r => r.Item!.Id));
        Assert.Equal(2, Assert.Single(results, r => r.Error is not null).Error!.Index);
    }

    [Fact]
    public void When_no_next_feature_can_be_found_the_skipped_bytes_are_reported()
    {
        // One line, so no indentation to resynchronise on; the extra '{' never closes.
        var features = string.Join(",", Enumerable.Range(1, 5).Select(i => Item($"f{i}")));
        var text = $$"""{"type":"FeatureCollection","features":[{{features}}]}""";
        text = EditAt(text, "\"properties\":{", 2, s => s + "{");

        var results = Feed(new StacJsonStream("one-line.json"), Encoding.UTF8.GetBytes(text), Chunking.Whole);

        Assert.Equal(["f1"], results.Where(r => r.Item is not null).Select(r => r.Item!.Id));
        var errors = results.Where(r => r.Error is not null).Select(r => r.Error!).ToList();
        Assert.Equal(2, errors[0].Index);
        Assert.Contains(errors, e => e.Reason.Contains("bytes", StringComparison.Ordinal) && e.Reason.Contains("skipped", StringComparison.Ordinal));
    }

    [Fact]
    public void Text_split_between_surrogate_halves_keeps_the_character()
    {
        var item = Item("emoji").Replace("\"properties\":{", "\"properties\":{\"title\":\"map \U0001F5FA\",", StringComparison.Ordinal);
        var stream = new StacJsonStream();
        var split = item.IndexOf("\U0001F5FA", StringComparison.Ordinal) + 1;

        Assert.Empty(stream.Push(item[..split]));
        var result = Assert.Single(stream.Push(item[split..] + "\n"));

        Assert.Equal("map \U0001F5FA", result.Item!.Properties["title"]);
    }

    [Fact]
    public void Push_after_complete_is_refused()
    {
        var stream = new StacJsonStream();
        stream.Complete();

        Assert.Throws<InvalidOperationException>(() => stream.Push("{}"));
    }

    internal static string Item(string id) =>
        """{"type":"Feature","stac_version":"1.1.0","id":"ID","geometry":{"type":"Point","coordinates":[1.5,2]},"bbox":[1.5,2,1.5,2],"properties":{"datetime":"2024-01-01T00:00:00Z"},"links":[],"assets":{"data":{"href":"s3://b/ID.tif","roles":["data"]}}}"""
            .Replace("ID", id, StringComparison.Ordinal);

    private static List<StacReadResult> Feed(StacJsonStream stream, byte[] bytes, Chunking chunking)
    {
        var results = new List<StacReadResult>();
        switch (chunking)
        {
            case Chunking.Whole:
                results.AddRange(stream.Push(bytes));
                break;
            case Chunking.LinesAsText:
                // As the cmdlet feeds Get-Content lines: without their line ends, which it appends.
                foreach (var line in Encoding.UTF8.GetString(bytes).Split('\n'))
                {
                    results.AddRange(stream.Push(line));
                    results.AddRange(stream.Push("\n"));
                }
                break;
            case Chunking.SevenChars:
                var text = Encoding.UTF8.GetString(bytes);
                for (var i = 0; i < text.Length; i += 7)
                {
                    results.AddRange(stream.Push(text.Substring(i, Math.Min(7, text.Length - i))));
                }
                break;
            default:
                var size = chunking == Chunking.OneByte ? 1 : 7;
                for (var i = 0; i < bytes.Length; i += size)
                {
                    results.AddRange(stream.Push(bytes.AsSpan(i, Math.Min(size, bytes.Length - i))));
                }
                break;
        }
        results.AddRange(stream.Complete());
        return results;
    }
}
