using StacPkg.Core.Json;
using StacPkg.Core.Stac;

namespace StacPkg.Core.Enrichment;

/// <summary>
/// Deep copies of Items, so enrichment emits changed copies and never edits an object the caller
/// (or an earlier pipeline stage) still holds.
/// </summary>
public static class StacItemCopy
{
    public static StacItem Clone(StacItem item)
    {
        var copy = new StacItem
        {
            Id = item.Id,
            Collection = item.Collection,
            StacCollection = item.StacCollection,
            Geometry = item.Geometry is null ? null : CloneMap(item.Geometry),
            Bbox = (double[]?)item.Bbox?.Clone(),
            Properties = CloneMap(item.Properties),
            StacExtensions = new List<string>(item.StacExtensions),
            StacVersion = item.StacVersion,
            AdditionalFields = CloneMap(item.AdditionalFields),
        };
        foreach (var (key, asset) in item.Assets)
        {
            copy.Assets[key] = Clone(asset);
        }
        foreach (var link in item.Links)
        {
            // Links are not changed by enrichment, but a copy must not share them either.
            copy.Links.Add(StacLinkCopy(link));
        }
        return copy;
    }

    public static StacAsset Clone(StacAsset asset) => new()
    {
        Href = asset.Href,
        Type = asset.Type,
        Title = asset.Title,
        Description = asset.Description,
        Roles = asset.Roles is null ? null : new List<string>(asset.Roles),
        AdditionalFields = CloneMap(asset.AdditionalFields),
    };

    public static JsonMap CloneMap(JsonMap map)
    {
        var copy = new JsonMap(map.Count);
        foreach (var (key, value) in map)
        {
            copy[key] = CloneValue(value);
        }
        return copy;
    }

    private static object? CloneValue(object? value) => value switch
    {
        JsonMap map => CloneMap(map),
        List<object?> list => list.ConvertAll(CloneValue),
        // Strings, numbers and booleans are immutable.
        null or string => value,
        // Hashtables and arrays a script put into the Item: brought into the JSON model, so the copy
        // shares nothing and the alternate-asset operations can read them.
        System.Collections.IDictionary or System.Collections.IEnumerable => CloneValue(JsonValues.Normalize(value)),
        _ => value,
    };

    private static StacLink StacLinkCopy(StacLink link) => new()
    {
        Rel = link.Rel,
        Href = link.Href,
        Type = link.Type,
        Title = link.Title,
        AdditionalFields = CloneMap(link.AdditionalFields),
    };
}
