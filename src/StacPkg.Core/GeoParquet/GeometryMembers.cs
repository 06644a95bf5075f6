using StacPkg.Core.Json;

namespace StacPkg.Core.GeoParquet;

/// <summary>
/// GeoJSON members of a geometry other than its shape (a "bbox" of its own, foreign members), which
/// WKB cannot hold. When any Item has them they are kept as JSON text in one extra column.
/// </summary>
internal static class GeometryMembers
{
    public const string Column = "stacpkg:geometry_members";

    /// <summary>The members beyond type, coordinates and geometries, or null when there are none.</summary>
    public static JsonMap? Of(JsonMap geometry)
    {
        JsonMap? members = null;
        foreach (var (name, value) in geometry)
        {
            if (name is not ("type" or "coordinates" or "geometries"))
            {
                (members ??= new JsonMap())[name] = value;
            }
        }
        return members;
    }

    /// <summary>Puts the kept members back on a geometry read from WKB.</summary>
    public static void Restore(JsonMap geometry, JsonMap members)
    {
        foreach (var (name, value) in members)
        {
            geometry.TryAdd(name, value);
        }
    }
}
