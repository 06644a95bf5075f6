using System.Globalization;
using StacPkg.Core.Json;

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
}
