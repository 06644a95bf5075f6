using StacPkg.Core.Json;
using StacPkg.Core.Stac;

namespace StacPkg.Core.Packaging;

/// <summary>
/// Drops the null fields (top-level, properties, and nested objects) that reading STAC GeoParquet gives back as absent
/// (all but <c>datetime</c>), so an Item and the same Item read back from a package write the same
/// table: an all-null column would otherwise exist in one and not the other.
/// </summary>
internal static class AbsentNulls
{
    private const string KeptNull = "datetime";

    /// <summary>The Item itself when it has no such nulls, else a shallow copy without them (the caller's Item is never changed).</summary>
    public static StacItem Drop(StacItem item)
    {
        if (!HasNull(item.Properties) && !HasNull(item.AdditionalFields))
        {
            return item;
        }
        return new StacItem
        {
            Id = item.Id,
            Collection = item.Collection,
            StacCollection = item.StacCollection,
            Geometry = item.Geometry,
            Bbox = item.Bbox,
            Properties = Without(item.Properties),
            Assets = item.Assets,
            Links = item.Links,
            StacExtensions = item.StacExtensions,
            StacVersion = item.StacVersion,
            AdditionalFields = Without(item.AdditionalFields),
        };
    }

    private static bool HasNull(JsonMap map, bool top = true)
    {
        foreach (var (key, value) in map)
        {
            if (value is null ? !(top && key == KeptNull) : HasNull(value))
            {
                return true;
            }
        }
        return false;
    }

    private static bool HasNull(object value) => value switch
    {
        JsonMap map => HasNull(map, top: false),
        List<object?> list => list.Exists(v => v is not null && HasNull(v)),
        _ => false,
    };

    private static JsonMap Without(JsonMap map, bool top = true)
    {
        var copy = new JsonMap(map.Count);
        foreach (var (key, value) in map)
        {
            if (value is not null)
            {
                copy[key] = Without(value);
            }
            else if (top && key == KeptNull)
            {
                copy[key] = null;
            }
        }
        return copy;
    }

    // Nulls inside lists stay: a list keeps its positions, and the reader gives them back.
    private static object Without(object value) => value switch
    {
        JsonMap map => Without(map, top: false),
        List<object?> list => list.ConvertAll(v => v is null ? null : Without(v)),
        _ => value,
    };
}
