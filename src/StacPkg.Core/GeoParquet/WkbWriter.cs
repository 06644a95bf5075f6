using System.Buffers.Binary;
using StacPkg.Core.Json;
using StacPkg.Core.Stac;

namespace StacPkg.Core.GeoParquet;

/// <summary>
/// Little-endian ISO WKB output. It runs once per item, so it sizes the output first (list counts
/// only, no coordinate reads) and then writes straight into one exact array: one allocation, no copy.
/// </summary>
internal static class WkbWriter
{
    private const int HeaderSize = 5; // byte order + uint32 type
    private const int CountSize = 4;

    // The NaN bits GEOS and GDAL write (7FF8…); .NET's double.NaN has the sign bit set (FFF8…).
    private static readonly double QuietNaN = BitConverter.Int64BitsToDouble(0x7FF8000000000000);

    /// <exception cref="StacFormatException">The geometry cannot be encoded (its shape is wrong).</exception>
    public static byte[] Encode(JsonMap geometry)
    {
        var dimension = GeoJsonGeometry.FirstPositionLength(geometry);
        if (dimension == 0)
        {
            dimension = 2; // an empty geometry is written as 2D
        }
        else if (dimension is not (2 or 3))
        {
            throw Unencodable($"positions have {dimension} coordinates, expected 2 or 3");
        }
        var buffer = new byte[Size(geometry, dimension * sizeof(double), 0)];
        var offset = 0;
        Write(geometry, dimension, buffer, ref offset);
        return buffer;
    }

    private static int Size(JsonMap geometry, int positionSize, int depth)
    {
        var code = Code(geometry);
        if (code == 7)
        {
            if (depth >= GeoJsonGeometry.MaxCollectionDepth)
            {
                throw Unencodable("GeometryCollections nested too deep");
            }
            var size = HeaderSize + CountSize;
            foreach (var member in Members(geometry))
            {
                size += Size(member as JsonMap ?? throw Unencodable("a GeometryCollection member is not an object"), positionSize, depth + 1);
            }
            return size;
        }
        var coordinates = Coordinates(geometry);
        switch (code)
        {
            case 1:
                return HeaderSize + positionSize;
            case 2:
                return HeaderSize + CountSize + coordinates.Count * positionSize;
            case 3:
                return HeaderSize + PolygonBodySize(coordinates, positionSize);
            case 4:
                return HeaderSize + CountSize + coordinates.Count * (HeaderSize + positionSize);
            case 5:
                var lines = HeaderSize + CountSize;
                foreach (var line in coordinates)
                {
                    lines += HeaderSize + CountSize + Array(line).Count * positionSize;
                }
                return lines;
            default:
                var polygons = HeaderSize + CountSize;
                foreach (var polygon in coordinates)
                {
                    polygons += HeaderSize + PolygonBodySize(Array(polygon), positionSize);
                }
                return polygons;
        }
    }

    private static int PolygonBodySize(List<object?> rings, int positionSize)
    {
        var size = CountSize;
        foreach (var ring in rings)
        {
            size += CountSize + Array(ring).Count * positionSize;
        }
        return size;
    }

    private static void Write(JsonMap geometry, int dimension, byte[] buffer, ref int offset)
    {
        var code = Code(geometry);
        WriteHeader(code, dimension, buffer, ref offset);
        if (code == 7)
        {
            var members = Members(geometry);
            WriteCount(members.Count, buffer, ref offset);
            foreach (var member in members)
            {
                Write((JsonMap)member!, dimension, buffer, ref offset);
            }
            return;
        }
        var coordinates = Coordinates(geometry);
        switch (code)
        {
            case 1:
                if (coordinates.Count == 0)
                {
                    // POINT EMPTY: WKB has no empty point, so by convention (GEOS, GDAL) all NaN.
                    for (var i = 0; i < dimension; i++)
                    {
                        WriteDouble(QuietNaN, buffer, ref offset);
                    }
                }
                else
                {
                    WritePosition(coordinates, dimension, buffer, ref offset);
                }
                break;
            case 2:
                WritePositions(coordinates, dimension, buffer, ref offset);
                break;
            case 3:
                WriteRings(coordinates, dimension, buffer, ref offset);
                break;
            case 4:
                WriteCount(coordinates.Count, buffer, ref offset);
                foreach (var point in coordinates)
                {
                    WriteHeader(1, dimension, buffer, ref offset);
                    WritePosition(point, dimension, buffer, ref offset);
                }
                break;
            case 5:
                WriteCount(coordinates.Count, buffer, ref offset);
                foreach (var line in coordinates)
                {
                    WriteHeader(2, dimension, buffer, ref offset);
                    WritePositions(Array(line), dimension, buffer, ref offset);
                }
                break;
            default:
                WriteCount(coordinates.Count, buffer, ref offset);
                foreach (var polygon in coordinates)
                {
                    WriteHeader(3, dimension, buffer, ref offset);
                    WriteRings(Array(polygon), dimension, buffer, ref offset);
                }
                break;
        }
    }

    private static void WriteRings(List<object?> rings, int dimension, byte[] buffer, ref int offset)
    {
        WriteCount(rings.Count, buffer, ref offset);
        foreach (var ring in rings)
        {
            WritePositions(Array(ring), dimension, buffer, ref offset);
        }
    }

    private static void WritePositions(List<object?> positions, int dimension, byte[] buffer, ref int offset)
    {
        WriteCount(positions.Count, buffer, ref offset);
        foreach (var position in positions)
        {
            WritePosition(position, dimension, buffer, ref offset);
        }
    }

    private static void WritePosition(object? value, int dimension, byte[] buffer, ref int offset)
    {
        // The size was computed from this dimension, so a position of another length must stop here.
        if (value is not List<object?> position || position.Count != dimension)
        {
            throw Unencodable($"a position is not an array of {dimension} numbers like the first one");
        }
        for (var i = 0; i < dimension; i++)
        {
            if (!GeoJsonGeometry.TryGetCoordinate(position[i], out var coordinate))
            {
                throw Unencodable("a coordinate is not a number");
            }
            WriteDouble(coordinate, buffer, ref offset);
        }
    }

    private static void WriteHeader(int code, int dimension, byte[] buffer, ref int offset)
    {
        buffer[offset++] = 1; // little endian
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(offset), (uint)(dimension == 3 ? 1000 + code : code));
        offset += 4;
    }

    private static void WriteCount(int count, byte[] buffer, ref int offset)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(offset), (uint)count);
        offset += 4;
    }

    private static void WriteDouble(double value, byte[] buffer, ref int offset)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(buffer.AsSpan(offset), value);
        offset += 8;
    }

    private static int Code(JsonMap geometry)
    {
        var type = geometry.Get("type");
        var code = type is string name ? Wkb.TypeCode(name) : 0;
        return code != 0 ? code : throw Unencodable(type is string t ? $"unknown type '{t}'" : "it has no type");
    }

    private static List<object?> Coordinates(JsonMap geometry) =>
        geometry.Get("coordinates") as List<object?> ?? throw Unencodable("it has no coordinates array");

    private static List<object?> Members(JsonMap geometry) =>
        geometry.Get("geometries") as List<object?> ?? throw Unencodable("GeometryCollection has no geometries array");

    private static List<object?> Array(object? value) =>
        value as List<object?> ?? throw Unencodable("coordinates are not nested as its type needs");

    private static StacFormatException Unencodable(string reason) => new($"geometry: cannot be encoded as WKB: {reason}");
}
