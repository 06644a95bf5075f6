using StacPkg.Core.Json;

namespace StacPkg.Core.Tests;

/// <summary>Geometries of the real Items under tests/fixtures, and JSON helpers for geometry tests.</summary>
internal static class GeometryFixtures
{
    /// <summary>The JSON Item files whose Items carry geometries, relative to the fixtures folder.</summary>
    public static TheoryData<string> ItemFiles()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(Path.Combine(Root, "stac-geoparquet"), "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(Root, path));
        }
        data.Add(Path.Combine("rustac", "item-collection.json"));
        data.Add(Path.Combine("rustac", "multi-polygons.json"));
        data.Add(Path.Combine("rustac", "two-sentinel-2-items.json"));
        return data;
    }

    /// <summary>The Items of a fixture file: a JSON array, a FeatureCollection, or one Item.</summary>
    public static List<JsonMap> Items(string relativePath)
    {
        var parsed = JsonValueReader.Parse(File.ReadAllBytes(Path.Combine(Root, relativePath)));
        var items = parsed switch
        {
            List<object?> list => list,
            JsonMap { } map when map.Get("features") is List<object?> features => features,
            JsonMap map => [map],
            _ => throw new InvalidDataException($"{relativePath} holds no Items"),
        };
        Assert.NotEmpty(items);
        return items.ConvertAll(i => (JsonMap)i!);
    }

    public static JsonMap Map(string json) => (JsonMap)JsonValueReader.Parse(System.Text.Encoding.UTF8.GetBytes(json))!;

    /// <summary>Asserts two coordinate trees are equal as numbers (a long 1 equals a double 1.0).</summary>
    public static void AssertSameCoordinates(object? expected, object? actual, string path = "coordinates")
    {
        switch (expected)
        {
            case List<object?> e:
                var a = Assert.IsType<List<object?>>(actual);
                Assert.True(e.Count == a.Count, $"{path}: {e.Count} elements expected, {a.Count} found");
                for (var i = 0; i < e.Count; i++)
                {
                    AssertSameCoordinates(e[i], a[i], $"{path}[{i}]");
                }
                break;
            case long or double:
                var d = Assert.IsType<double>(actual);
                Assert.True(Convert.ToDouble(expected) == d, $"{path}: {expected} expected, {d} found");
                break;
            default:
                Assert.Fail($"{path}: unexpected {expected?.GetType().Name ?? "null"} in expected coordinates");
                break;
        }
    }

    /// <summary>Asserts a decoded geometry equals the original: type, then coordinates or members.</summary>
    public static void AssertSameGeometry(JsonMap expected, JsonMap actual)
    {
        Assert.Equal(expected["type"], actual["type"]);
        if (expected["type"] is "GeometryCollection")
        {
            var e = (List<object?>)expected["geometries"]!;
            var a = Assert.IsType<List<object?>>(actual["geometries"]);
            Assert.Equal(e.Count, a.Count);
            for (var i = 0; i < e.Count; i++)
            {
                AssertSameGeometry((JsonMap)e[i]!, Assert.IsType<JsonMap>(a[i]));
            }
            return;
        }
        AssertSameCoordinates(expected["coordinates"], actual["coordinates"]);
    }

    private static string Root => Fixtures.Root;
}
