using System.Text;
using System.Text.Json;
using StacPkg.Core.Json;
using StacPkg.Core.Stac;

namespace StacPkg.Core.Tests;

/// <summary>
/// The fixture files (tests/fixtures: a verbatim copy of the shared fixtures written by other
/// implementations, licences beside them) and what they hold.
/// </summary>
internal static class Fixtures
{
    public static readonly string Root = System.IO.Path.Combine(Support.DuckDb.RepoRoot, "tests", "fixtures");

    public static string PathOf(string relative) => System.IO.Path.Combine(Root, relative);

    /// <summary>Every JSON Item fixture: arrays, FeatureCollections and NDJSON.</summary>
    public static IEnumerable<string> ItemFiles() =>
        Directory.GetFiles(PathOf("stac-geoparquet"), "*.json")
            .Concat(Directory.GetFiles(PathOf("rustac"), "*.json"))
            .Append(PathOf("rustac/items.ndjson"))
            .Order(StringComparer.Ordinal)
            .Select(p => System.IO.Path.GetRelativePath(Root, p));

    public static TheoryData<string> ItemFileData() => new(ItemFiles());

    /// <summary>Ids in the file, read independently of the code under test.</summary>
    public static List<string> ExpectedIds(string path)
    {
        var text = File.ReadAllText(path);
        if (path.EndsWith(".ndjson", StringComparison.Ordinal))
        {
            return text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("id").GetString()!)
                .ToList();
        }
        using var document = JsonDocument.Parse(text);
        var items = document.RootElement.ValueKind == JsonValueKind.Array
            ? document.RootElement.EnumerateArray()
            : document.RootElement.GetProperty("features").EnumerateArray();
        return items.Select(item => item.GetProperty("id").GetString()!).ToList();
    }

    /// <summary>Item JSON objects of a fixture: a JSON array, a FeatureCollection, one Item, or NDJSON lines.</summary>
    public static List<JsonMap> LoadItemJson(string relative)
    {
        var path = PathOf(relative);
        if (path.EndsWith(".ndjson", StringComparison.Ordinal))
        {
            return File.ReadAllLines(path).Where(l => l.Trim().Length > 0)
                .Select(l => (JsonMap)JsonValueReader.Parse(Encoding.UTF8.GetBytes(l))!).ToList();
        }
        var value = JsonValueReader.Parse(File.ReadAllBytes(path));
        return value switch
        {
            List<object?> list => list.Cast<JsonMap>().ToList(),
            JsonMap { } map when map.Get("type") is "FeatureCollection" => ((List<object?>)map["features"]!).Cast<JsonMap>().ToList(),
            JsonMap map => [map],
            _ => throw new InvalidDataException(relative),
        };
    }

    public static List<StacItem> LoadItems(string relative) => LoadItemJson(relative).Select(StacItem.FromJson).ToList();
}
