using StacPkg.Core.Json;
using StacPkg.Core.Stac;

namespace StacPkg.Core.GeoParquet;

/// <summary>
/// GeoJSON geometries as ISO Well-Known Binary, the <c>geometry</c> column encoding of GeoParquet.
/// Writes little-endian ISO WKB (Z types as 1000 + type); reads either byte order, ISO Z/M/ZM codes
/// and EWKB flags, dropping M, which GeoJSON cannot hold.
/// </summary>
public static class Wkb
{
    /// <summary>Encodes a geometry as little-endian ISO WKB.</summary>
    /// <exception cref="StacFormatException">The geometry is not valid GeoJSON; the reason says where.</exception>
    public static byte[] Encode(JsonMap geometry)
    {
        try
        {
            return WkbWriter.Encode(geometry);
        }
        catch (StacFormatException)
        {
            // The writer only checks what it needs; the validator names the problem precisely.
            GeoJsonGeometry.Validate(geometry);
            throw;
        }
    }

    /// <summary>Decodes one WKB geometry into a GeoJSON map with <c>double</c> coordinates.</summary>
    /// <exception cref="StacFormatException">The bytes are not exactly one WKB geometry.</exception>
    public static JsonMap Decode(ReadOnlySpan<byte> wkb) => WkbReader.Decode(wkb);

    /// <summary>
    /// The GeoParquet <c>geometry_types</c> name of a geometry: its GeoJSON type, with " Z" appended
    /// when its positions have three coordinates.
    /// </summary>
    /// <exception cref="StacFormatException">The geometry has no known type.</exception>
    public static string GeometryTypeName(JsonMap geometry)
    {
        var type = geometry.Get("type");
        var code = type is string name ? TypeCode(name) : 0;
        if (code == 0)
        {
            throw new StacFormatException(type is string t ? $"geometry: unknown type '{t}'" : "geometry: it has no type");
        }
        return GeoJsonGeometry.FirstPositionLength(geometry) == 3 ? TypeNames[code] + " Z" : TypeNames[code];
    }

    // WKB type codes 1..7, indexed by code.
    internal static readonly string[] TypeNames =
        ["", "Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon", "GeometryCollection"];

    /// <summary>The WKB code (1..7) of a GeoJSON type name, or 0 for an unknown one.</summary>
    internal static int TypeCode(string type) => type switch
    {
        "Point" => 1,
        "LineString" => 2,
        "Polygon" => 3,
        "MultiPoint" => 4,
        "MultiLineString" => 5,
        "MultiPolygon" => 6,
        "GeometryCollection" => 7,
        _ => 0,
    };
}
