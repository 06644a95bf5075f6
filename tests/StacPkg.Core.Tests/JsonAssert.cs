using System.Globalization;
using StacPkg.Core.Json;
using StacPkg.Core.Stac;

namespace StacPkg.Core.Tests;

/// <summary>Equality of plain JSON values: objects regardless of member order, numbers as numbers.</summary>
internal static class JsonAssert
{
    public static void Equal(object? expected, object? actual, string path = "$")
    {
        switch (expected)
        {
            case JsonMap e:
                var a = Assert.IsType<JsonMap>(actual);
                Assert.True(e.Keys.Order(StringComparer.Ordinal).SequenceEqual(a.Keys.Order(StringComparer.Ordinal)),
                    $"{path}: members differ: [{string.Join(",", e.Keys)}] vs [{string.Join(",", a.Keys)}]");
                foreach (var (key, value) in e)
                {
                    Equal(value, a[key], $"{path}.{key}");
                }
                break;
            case List<object?> e:
                var l = Assert.IsType<List<object?>>(actual);
                Assert.True(e.Count == l.Count, $"{path}: {e.Count} elements vs {l.Count}");
                for (var i = 0; i < e.Count; i++)
                {
                    Equal(e[i], l[i], $"{path}[{i}]");
                }
                break;
            case long or double:
                Assert.True(actual is long or double, $"{path}: expected a number, got {actual}");
                Assert.True(Convert.ToDouble(expected, CultureInfo.InvariantCulture) == Convert.ToDouble(actual, CultureInfo.InvariantCulture),
                    $"{path}: {expected} vs {actual}");
                break;
            default:
                Assert.True(Equals(expected, actual), $"{path}: {expected} vs {actual}");
                break;
        }
    }

    /// <summary>
    /// Item JSON after a trip through Parquet: numbers as numbers, timestamps as instants (to the
    /// microsecond), and a null object member as an absent one (Parquet cannot tell them apart).
    /// </summary>
    public static void ItemsEqual(JsonMap expected, JsonMap actual)
    {
        var e = Prepare(expected);
        var a = Prepare(actual);
        Equivalent(e, a, $"item '{expected.Get("id")}'");
    }

    private static JsonMap Prepare(JsonMap item)
    {
        var copy = new JsonMap(item);
        copy.TryAdd("stac_extensions", new List<object?>());
        copy.TryAdd("links", new List<object?>());
        copy.TryAdd("assets", new JsonMap());
        return copy;
    }

    public static void Equivalent(object? expected, object? actual, string path)
    {
        switch (expected)
        {
            case JsonMap e:
                var a = Assert.IsType<JsonMap>(actual);
                var keys = e.Where(kv => kv.Value is not null).Select(kv => kv.Key)
                    .Union(a.Where(kv => kv.Value is not null).Select(kv => kv.Key));
                foreach (var key in keys)
                {
                    var keep = key == "datetime" && path.EndsWith("properties", StringComparison.Ordinal);
                    Equivalent(e.Get(key), a.Get(key), $"{path}.{key}");
                    if (keep) Assert.True(a.ContainsKey(key), $"{path}.{key} is missing");
                }
                break;
            case List<object?> e:
                var list = Assert.IsType<List<object?>>(actual);
                Assert.True(e.Count == list.Count, $"{path}: {e.Count} elements expected, {list.Count} found");
                for (var i = 0; i < e.Count; i++)
                {
                    Equivalent(e[i], list[i], $"{path}[{i}]");
                }
                break;
            case long or double:
                Assert.True(actual is long or double, $"{path}: a number expected, found {actual ?? "null"}");
                Assert.True(Convert.ToDouble(expected, CultureInfo.InvariantCulture) == Convert.ToDouble(actual, CultureInfo.InvariantCulture),
                    $"{path}: {expected} expected, {actual} found");
                break;
            case string s when actual is string t && s != t && StacDateTime.TryParse(s, out var se, out _) && StacDateTime.TryParse(t, out var te, out _):
                Assert.True(se.UtcTicks / 10 == te.UtcTicks / 10, $"{path}: instant {s} expected, {t} found");
                break;
            default:
                Assert.True(Equals(expected, actual), $"{path}: {JsonValueWriter.ToJson(expected, false)} expected, {JsonValueWriter.ToJson(actual, false)} found");
                break;
        }
    }
}
