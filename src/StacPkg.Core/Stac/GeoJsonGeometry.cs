using StacPkg.Core.Json;

namespace StacPkg.Core.Stac;

/// <summary>
/// Checks of GeoJSON geometry objects (RFC 7946). Positions have 2 or 3 coordinates (x, y[, z]) and
/// one geometry, including every member of a GeometryCollection, uses one dimension throughout, so
/// that it has one ISO WKB type. An empty <c>coordinates</c> array (or <c>geometries</c> array) is an
/// empty geometry, as in WKT's <c>POINT EMPTY</c>.
/// </summary>
public static class GeoJsonGeometry
{
    /// <summary>Returns the geometry when it is valid GeoJSON, else throws naming what is wrong.</summary>
    /// <exception cref="StacFormatException">The object is not a valid geometry; the reason says where.</exception>
    public static JsonMap Validate(JsonMap geometry)
    {
        var dimension = 0;
        ValidateGeometry(geometry, ref dimension, depth: 0);
        return geometry;
    }

    /// <summary>A coordinate as a double; the JSON model holds numbers as long or double.</summary>
    internal static bool TryGetCoordinate(object? value, out double coordinate)
    {
        switch (value)
        {
            case double d:
                coordinate = d;
                return true;
            case long l:
                coordinate = l;
                return true;
            default:
                coordinate = 0;
                return false;
        }
    }

    /// <summary>
    /// Number of coordinates of the first position found in the geometry, or 0 when it has none.
    /// Trusts the geometry's shape only as far as it needs to find that position.
    /// </summary>
    internal static int FirstPositionLength(JsonMap geometry)
    {
        if (geometry.Get("type") is "GeometryCollection")
        {
            if (geometry.Get("geometries") is List<object?> members)
            {
                foreach (var member in members)
                {
                    if (member is JsonMap map && FirstPositionLength(map) is var length and > 0)
                    {
                        return length;
                    }
                }
            }
            return 0;
        }
        var value = geometry.Get("coordinates");
        while (value is List<object?> list)
        {
            if (list.Count == 0)
            {
                return 0;
            }
            if (list[0] is not List<object?>)
            {
                return list.Count;
            }
            value = list[0];
        }
        return 0;
    }

    /// <summary>Deep nesting of collections is legal but pointless; the limit keeps recursion bounded.</summary>
    internal const int MaxCollectionDepth = 64;

    private static void ValidateGeometry(JsonMap geometry, ref int dimension, int depth)
    {
        if (geometry.Get("type") is not string type)
        {
            throw Invalid(geometry.ContainsKey("type") ? "type is not a string" : "it has no type");
        }
        if (type == "GeometryCollection")
        {
            ValidateCollection(geometry, ref dimension, depth);
            return;
        }
        if (type is not ("Point" or "MultiPoint" or "LineString" or "MultiLineString" or "Polygon" or "MultiPolygon"))
        {
            throw Invalid($"unknown type '{type}'");
        }
        if (geometry.Get("coordinates") is not List<object?> coordinates)
        {
            throw Invalid($"{type} has no coordinates array");
        }
        var at = new Location(type, -1, -1);
        switch (type)
        {
            case "Point":
                // An empty array is POINT EMPTY; anything else must be one position.
                if (coordinates.Count > 0)
                {
                    CheckPosition(coordinates, ref dimension, at, -1);
                }
                break;
            case "MultiPoint":
                for (var i = 0; i < coordinates.Count; i++)
                {
                    CheckPosition(AsArray(coordinates[i], at, i), ref dimension, at, i);
                }
                break;
            case "LineString":
                CheckLine(coordinates, ref dimension, at);
                break;
            case "MultiLineString":
                for (var i = 0; i < coordinates.Count; i++)
                {
                    var part = at with { Part = i };
                    CheckLine(AsArrayOfArrays(coordinates[i], part), ref dimension, part);
                }
                break;
            case "Polygon":
                CheckPolygon(coordinates, ref dimension, at);
                break;
            default:
                for (var i = 0; i < coordinates.Count; i++)
                {
                    var part = at with { Part = i };
                    CheckPolygon(AsArrayOfArrays(coordinates[i], part), ref dimension, part);
                }
                break;
        }
    }

    private static void ValidateCollection(JsonMap geometry, ref int dimension, int depth)
    {
        if (depth >= MaxCollectionDepth)
        {
            throw Invalid($"GeometryCollections nested deeper than {MaxCollectionDepth} levels");
        }
        if (geometry.Get("geometries") is not List<object?> members)
        {
            throw Invalid("GeometryCollection has no geometries array");
        }
        for (var i = 0; i < members.Count; i++)
        {
            if (members[i] is not JsonMap member)
            {
                throw Invalid($"member [{i}] of GeometryCollection is not a geometry object");
            }
            try
            {
                ValidateGeometry(member, ref dimension, depth + 1);
            }
            catch (StacFormatException ex)
            {
                // Prefix the member path, so a nested failure says where it is.
                throw Invalid($"member [{i}] of GeometryCollection: {ex.Reason[Prefix.Length..]}");
            }
        }
    }

    /// <summary>A LineString: no positions (empty) or at least two.</summary>
    private static void CheckLine(List<object?> positions, ref int dimension, Location at)
    {
        if (positions.Count == 1)
        {
            throw Invalid($"{at} has 1 position, at least 2 are needed");
        }
        for (var i = 0; i < positions.Count; i++)
        {
            CheckPosition(AsArray(positions[i], at, i), ref dimension, at, i);
        }
    }

    /// <summary>A Polygon: no rings (empty) or closed rings of at least four positions.</summary>
    private static void CheckPolygon(List<object?> rings, ref int dimension, Location polygon)
    {
        for (var r = 0; r < rings.Count; r++)
        {
            var at = polygon with { Ring = r };
            var ring = AsArrayOfArrays(rings[r], at);
            if (ring.Count < 4)
            {
                throw Invalid($"{at} has {ring.Count} position{(ring.Count == 1 ? "" : "s")}, at least 4 are needed");
            }
            for (var i = 0; i < ring.Count; i++)
            {
                CheckPosition(AsArray(ring[i], at, i), ref dimension, at, i);
            }
            if (!SamePosition((List<object?>)ring[0]!, (List<object?>)ring[^1]!))
            {
                throw Invalid($"{at} is not closed: its first and last positions differ");
            }
        }
    }

    private static void CheckPosition(List<object?> position, ref int dimension, Location at, int index)
    {
        var count = position.Count;
        if (count is not (2 or 3))
        {
            throw Invalid($"{Name(at, index)} has {count} coordinate{(count == 1 ? "" : "s")}, expected 2 or 3");
        }
        for (var i = 0; i < count; i++)
        {
            if (!TryGetCoordinate(position[i], out var value))
            {
                throw Invalid(position[i] is List<object?>
                    ? $"{Name(at, index)} holds an array where a number belongs: coordinates are nested too deep"
                    : $"{Name(at, index)} has a coordinate that is not a number ({Describe(position[i])})");
            }
            if (!double.IsFinite(value))
            {
                throw Invalid($"{Name(at, index)} has a coordinate that is not finite");
            }
        }
        if (dimension == 0)
        {
            dimension = count;
        }
        else if (dimension != count)
        {
            throw Invalid($"{Name(at, index)} has {count} coordinates where the geometry's first position has {dimension}");
        }
    }

    private static bool SamePosition(List<object?> a, List<object?> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }
        for (var i = 0; i < a.Count; i++)
        {
            // Compared as numbers: [1, 2] closes a ring that starts at [1.0, 2.0].
            TryGetCoordinate(a[i], out var x);
            TryGetCoordinate(b[i], out var y);
            if (x != y)
            {
                return false;
            }
        }
        return true;
    }

    private static List<object?> AsArray(object? value, Location at, int index) =>
        value as List<object?> ?? throw Invalid(value is long or double
            ? $"{Name(at, index)} is a number where an array belongs: coordinates are nested too shallow"
            : $"{Name(at, index)} is not an array ({Describe(value)})");

    /// <summary>An array whose elements are arrays: a ring, a line, or a polygon's rings.</summary>
    private static List<object?> AsArrayOfArrays(object? value, Location at)
    {
        if (value is not List<object?> list)
        {
            throw Invalid(value is long or double
                ? $"{at} is a number where an array belongs: coordinates are nested too shallow"
                : $"{at} is not an array ({Describe(value)})");
        }
        if (list.Count > 0 && list[0] is long or double)
        {
            throw Invalid($"{at} holds numbers where arrays belong: coordinates are nested too shallow");
        }
        return list;
    }

    private static string Name(Location at, int index) => index < 0 ? $"position of {at}" : $"position [{index}] of {at}";

    private static string Describe(object? value) => value switch
    {
        null => "null",
        string s => $"string \"{s}\"",
        bool b => b ? "true" : "false",
        JsonMap => "an object",
        List<object?> => "an array",
        _ => value.GetType().Name,
    };

    private const string Prefix = "geometry: ";

    private static StacFormatException Invalid(string reason) => new(Prefix + reason);

    /// <summary>Where in one geometry a check failed; rendered only when it does.</summary>
    private readonly record struct Location(string Type, int Part, int Ring)
    {
        public override string ToString()
        {
            var ring = Ring < 0 ? "" : $"ring [{Ring}] of ";
            var part = Part < 0 ? "" : Type switch
            {
                "MultiLineString" => $"line [{Part}] of ",
                _ => $"polygon [{Part}] of ",
            };
            return ring + part + Type;
        }
    }
}
