using StacPkg.Core.Json;

namespace StacPkg.Core.GeoParquet;

/// <summary>
/// What the <c>geo</c> metadata says of one WKB column's values: their geometry types (with " Z"
/// for 3D) and their bbox (6 numbers when some position has z).
/// </summary>
internal sealed class GeometryColumnExtent
{
    private readonly SortedSet<string> _types = new(StringComparer.Ordinal);
    private BoundingBox _bounds;

    /// <summary>Takes in one geometry that passed <see cref="Stac.GeoJsonGeometry.Validate"/>.</summary>
    public void Add(JsonMap geometry)
    {
        _types.Add(Wkb.GeometryTypeName(geometry));
        _bounds.Extend(geometry);
    }

    /// <summary>GeoParquet 1.1 column metadata: encoding, geometry_types and, when any position was seen, bbox.</summary>
    public JsonMap ToMetadata()
    {
        var column = new JsonMap
        {
            ["encoding"] = "WKB",
            ["geometry_types"] = _types.Select(t => (object?)t).ToList(),
        };
        if (!_bounds.IsEmpty)
        {
            column["bbox"] = _bounds.ToArray().Select(v => (object?)v).ToList();
        }
        return column;
    }
}
