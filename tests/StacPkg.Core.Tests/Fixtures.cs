using System.Text.Json;

namespace StacPkg.Core.Tests;

/// <summary>The shared fixture files beside the repository (../shared/fixtures) and what they hold.</summary>
internal static class Fixtures
{
    public static readonly string Root = FindRoot();

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

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "StacPkg.slnx")))
            {
                return System.IO.Path.GetFullPath(System.IO.Path.Combine(dir.FullName, "..", "shared", "fixtures"));
            }
        }
        throw new DirectoryNotFoundException("the repository root (StacPkg.slnx) was not found above the test binaries");
    }
}
