using System.Text;
using StacPkg.Core.Json;
using StacPkg.Core.Stac;

namespace StacPkg.Core.Tests.Support;

/// <summary>Paths to ../shared/fixtures and a minimal loader for their Items, independent of the code under test's streaming reader.</summary>
internal static class Fixtures
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => System.IO.Path.Combine(Root, relative);

    /// <summary>Every JSON or NDJSON fixture file that holds valid Items.</summary>
    public static IEnumerable<string> ItemJsonFiles() =>
        Directory.GetFiles(PathOf("stac-geoparquet"), "*.json")
            .Concat(Directory.GetFiles(PathOf("rustac"), "*.json"))
            .Append(PathOf("rustac/items.ndjson"))
            .Select(p => System.IO.Path.GetRelativePath(Root, p))
            .OrderBy(p => p, StringComparer.Ordinal);

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

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "shared", "fixtures");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
            candidate = System.IO.Path.Combine(dir.FullName, "..", "shared", "fixtures");
            if (Directory.Exists(candidate) && File.Exists(System.IO.Path.Combine(dir.FullName, "StacPkg.slnx")))
            {
                return System.IO.Path.GetFullPath(candidate);
            }
        }
        throw new DirectoryNotFoundException("../shared/fixtures was not found above the test folder");
    }
}
