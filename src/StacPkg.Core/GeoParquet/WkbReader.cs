using System.Buffers.Binary;
using StacPkg.Core.Json;
using StacPkg.Core.Stac;

namespace StacPkg.Core.GeoParquet;

/// <summary>
/// Reads WKB as other tools write it: either byte order (per geometry, as WKB allows), ISO type codes
/// (1000 Z, 2000 M, 3000 ZM) and EWKB flags (Z, M, SRID). M values are read and dropped.
/// </summary>
internal ref struct WkbReader
{
    private const uint EwkbZ = 0x80000000;
    private const uint EwkbM = 0x40000000;
    private const uint EwkbSrid = 0x20000000;

    private readonly ReadOnlySpan<byte> _data;
    private int _offset;

    private WkbReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _offset = 0;
    }

    /// <exception cref="StacFormatException">The bytes are not exactly one WKB geometry.</exception>
    public static JsonMap Decode(ReadOnlySpan<byte> wkb)
    {
        var reader = new WkbReader(wkb);
        var geometry = reader.ReadGeometry(0);
        if (reader._offset != wkb.Length)
        {
            throw Invalid($"{wkb.Length - reader._offset} bytes follow the end of the geometry at offset {reader._offset}");
        }
        return geometry;
    }

    private JsonMap ReadGeometry(int depth)
    {
        var header = ReadHeader();
        var map = new JsonMap(2) { ["type"] = Wkb.TypeNames[header.Code] };
        if (header.Code == 7)
        {
            if (depth >= GeoJsonGeometry.MaxCollectionDepth)
            {
                throw Invalid($"GeometryCollections nested deeper than {GeoJsonGeometry.MaxCollectionDepth} levels");
            }
            var count = ReadCount(header, HeaderSize);
            var members = new List<object?>(count);
            for (var i = 0; i < count; i++)
            {
                members.Add(ReadGeometry(depth + 1));
            }
            map["geometries"] = members;
        }
        else
        {
            map["coordinates"] = ReadCoordinates(header);
        }
        return map;
    }

    private List<object?> ReadCoordinates(Header header)
    {
        switch (header.Code)
        {
            case 1:
                return ReadPoint(header);
            case 2:
                return ReadPositions(header);
            case 3:
                return ReadRings(header);
            default:
                // Multi*: each member is a full geometry of the single type, with its own header.
                var memberCode = header.Code - 3;
                var count = ReadCount(header, HeaderSize);
                var members = new List<object?>(count);
                for (var i = 0; i < count; i++)
                {
                    var start = _offset;
                    var member = ReadHeader();
                    if (member.Code != memberCode)
                    {
                        throw Invalid($"{Wkb.TypeNames[header.Code]} member at offset {start} is a {Wkb.TypeNames[member.Code]}");
                    }
                    var coordinates = ReadCoordinates(member);
                    // GeoJSON has no empty position, so an empty point inside a MultiPoint is left out.
                    if (memberCode != 1 || coordinates.Count > 0)
                    {
                        members.Add(coordinates);
                    }
                }
                return members;
        }
    }

    /// <summary>A point; all-NaN coordinates are POINT EMPTY, returned as an empty list.</summary>
    private List<object?> ReadPoint(Header header)
    {
        var position = ReadPosition(header);
        return double.IsNaN((double)position[0]!) && double.IsNaN((double)position[1]!) ? [] : position;
    }

    private List<object?> ReadRings(Header header)
    {
        var count = ReadCount(header, CountSize);
        var rings = new List<object?>(count);
        for (var i = 0; i < count; i++)
        {
            rings.Add(ReadPositions(header));
        }
        return rings;
    }

    private List<object?> ReadPositions(Header header)
    {
        var count = ReadCount(header, header.Dimension * sizeof(double));
        var positions = new List<object?>(count);
        for (var i = 0; i < count; i++)
        {
            positions.Add(ReadPosition(header));
        }
        return positions;
    }

    private List<object?> ReadPosition(Header header)
    {
        var bytes = Take(header.Dimension * sizeof(double));
        var position = new List<object?>(header.HasZ ? 3 : 2) { ReadDouble(bytes, 0, header), ReadDouble(bytes, 8, header) };
        if (header.HasZ)
        {
            position.Add(ReadDouble(bytes, 16, header));
        }
        return position;
    }

    private static double ReadDouble(ReadOnlySpan<byte> bytes, int at, Header header) =>
        header.LittleEndian
            ? BinaryPrimitives.ReadDoubleLittleEndian(bytes[at..])
            : BinaryPrimitives.ReadDoubleBigEndian(bytes[at..]);

    private Header ReadHeader()
    {
        var start = _offset;
        var order = Take(1)[0];
        if (order > 1)
        {
            throw Invalid($"byte order flag at offset {start} is {order}, expected 0 or 1");
        }
        var littleEndian = order == 1;
        var type = ReadUInt32(littleEndian);
        var hasZ = (type & EwkbZ) != 0;
        var hasM = (type & EwkbM) != 0;
        var iso = type & ~(EwkbZ | EwkbM | EwkbSrid);
        switch (iso / 1000)
        {
            case 0:
                break;
            case 1:
                hasZ = true;
                break;
            case 2:
                hasM = true;
                break;
            case 3:
                hasZ = hasM = true;
                break;
            default:
                throw Invalid($"unknown geometry type code {type} at offset {start}");
        }
        var code = (int)(iso % 1000);
        if (code is < 1 or > 7)
        {
            throw Invalid($"unknown geometry type code {type} at offset {start}");
        }
        if ((type & EwkbSrid) != 0)
        {
            Take(4); // the SRID; GeoParquet keeps the CRS in the file metadata instead
        }
        return new Header(code, littleEndian, hasZ, 2 + (hasZ ? 1 : 0) + (hasM ? 1 : 0));
    }

    /// <summary>A count, checked against the bytes left so that garbage cannot demand a huge list.</summary>
    private int ReadCount(Header header, int minimumElementSize)
    {
        var start = _offset;
        var count = ReadUInt32(header.LittleEndian);
        if (count > (uint)(_data.Length - _offset) / (uint)minimumElementSize)
        {
            throw Invalid($"count {count} at offset {start} exceeds the {_data.Length - _offset} bytes left");
        }
        return (int)count;
    }

    private uint ReadUInt32(bool littleEndian)
    {
        var bytes = Take(4);
        return littleEndian ? BinaryPrimitives.ReadUInt32LittleEndian(bytes) : BinaryPrimitives.ReadUInt32BigEndian(bytes);
    }

    private ReadOnlySpan<byte> Take(int length)
    {
        if (_data.Length - _offset < length)
        {
            throw Invalid($"truncated: {length} bytes needed at offset {_offset}, {_data.Length - _offset} left");
        }
        var bytes = _data.Slice(_offset, length);
        _offset += length;
        return bytes;
    }

    private const int HeaderSize = 5;
    private const int CountSize = 4;

    private static StacFormatException Invalid(string reason) => new($"geometry WKB: {reason}");

    /// <summary>What a geometry's header says: type code 1..7, byte order, and stored coordinates per position.</summary>
    private readonly record struct Header(int Code, bool LittleEndian, bool HasZ, int Dimension);
}
