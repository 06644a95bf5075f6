using StacPkg.Core.Json;
using StacPkg.Core.Stac;

namespace StacPkg.Core.GeoParquet;

/// <summary>
/// Whether a property value is a GeoJSON geometry that ISO WKB holds exactly, so that a WKB column
/// gives back the same GeoJSON: a valid geometry (2 or 3 coordinates throughout) with no member but
/// its shape (WKB has no room for a "bbox" or foreign members) and no integer coordinate that a
/// double would round. Any other value keeps the column out of WKB, so that nothing is lost.
/// </summary>
internal static class WkbGeometryValue
{
    /// <summary>Integers up to 2^53 are exact as doubles.</summary>
    private const long MaxExactInteger = 1L << 53;

    public static bool IsExact(JsonMap value)
    {
        // The shape test is cheap and rejects ordinary objects before validation, which throws.
        if (!HasOnlyShape(value, 0))
        {
            return false;
        }
        try
        {
            GeoJsonGeometry.Validate(value);
        }
        catch (StacFormatException)
        {
            return false;
        }
        return IntegersExact(value);
    }

    /// <summary>Exactly a known type and its coordinates (or, for a collection, geometries of that kind).</summary>
    private static bool HasOnlyShape(JsonMap geometry, int depth)
    {
        if (geometry.Count != 2 || geometry.Get("type") is not string type || Wkb.TypeCode(type) == 0)
        {
            return false;
        }
        if (type != "GeometryCollection")
        {
            return geometry.ContainsKey("coordinates");
        }
        if (depth >= GeoJsonGeometry.MaxCollectionDepth || geometry.Get("geometries") is not List<object?> members)
        {
            return false;
        }
        foreach (var member in members)
        {
            if (member is not JsonMap map || !HasOnlyShape(map, depth + 1))
            {
                return false;
            }
        }
        return true;
    }

    private static bool IntegersExact(object? value) => value switch
    {
        long number => number is >= -MaxExactInteger and <= MaxExactInteger,
        List<object?> list => list.TrueForAll(IntegersExact),
        JsonMap geometry => IntegersExact(geometry.Get("coordinates")) && IntegersExact(geometry.Get("geometries")),
        _ => true,
    };
}
