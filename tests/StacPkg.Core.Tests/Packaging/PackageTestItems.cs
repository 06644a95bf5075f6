using System.Text;
using StacPkg.Core.Json;
using StacPkg.Core.Stac;

namespace StacPkg.Core.Tests.Packaging;

/// <summary>Small Items for package tests, with assets at the given hrefs.</summary>
internal static class PackageTestItems
{
    public static StacItem Item(string id, string collection, params (string Key, string Href)[] assets)
    {
        var json = $$"""
            {"type":"Feature","stac_version":"1.1.0","id":"{{id}}","collection":"{{collection}}",
             "geometry":{"type":"Point","coordinates":[16.3,48.2]},"bbox":[16.3,48.2,16.3,48.2],
             "properties":{"datetime":"2024-05-01T10:00:00Z"},"links":[],"assets":{} }
            """;
        var item = StacItem.FromJson((JsonMap)JsonValueReader.Parse(Encoding.UTF8.GetBytes(json))!);
        foreach (var (key, href) in assets)
        {
            item.Assets[key] = new StacAsset { Href = href, Type = "image/tiff" };
        }
        return item;
    }

    public static List<StacItem> Remote() =>
    [
        Item("a", "col1", ("visual", "https://example.com/a/visual.tif"), ("thumbnail", "https://example.com/a/thumb.png")),
        Item("b", "col2", ("visual", "https://example.com/b/visual.tif")),
    ];
}
