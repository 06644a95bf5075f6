namespace StacPkg.Core.GeoParquet;

/// <summary>
/// A value read from Thrift compact protocol bytes (Parquet's footer and page headers): just enough
/// to find a field and where its bytes lie, so that they can be corrected in place.
/// </summary>
internal sealed class ThriftNode
{
    private const byte BoolTrue = 1, BoolFalse = 2, Byte = 3, I16 = 4, I32 = 5, I64 = 6, Double = 7,
        Binary = 8, List = 9, Set = 10, Map = 11, Struct = 12;

    /// <summary>The value of an integer or bool.</summary>
    public long Integer { get; private init; }

    /// <summary>Where a binary value's bytes start in the parsed buffer, and how many there are.</summary>
    public int Offset { get; private init; }

    public int Length { get; private init; }

    private Dictionary<short, ThriftNode>? Fields { get; init; }

    /// <summary>Elements of a list or set.</summary>
    public List<ThriftNode> Items { get; private init; } = [];

    public ThriftNode? Field(short id) => Fields?.GetValueOrDefault(id);

    /// <summary>Reads one struct starting at <paramref name="position"/> and moves past it.</summary>
    public static ThriftNode ReadStruct(ReadOnlySpan<byte> data, ref int position)
    {
        var fields = new Dictionary<short, ThriftNode>();
        short id = 0;
        while (true)
        {
            var header = data[position++];
            if (header == 0)
            {
                return new ThriftNode { Fields = fields };
            }
            var delta = header >> 4;
            id = delta == 0 ? (short)ZigZag(ReadVarint(data, ref position)) : (short)(id + delta);
            fields[id] = ReadValue(data, ref position, (byte)(header & 0x0F), inField: true);
        }
    }

    private static ThriftNode ReadValue(ReadOnlySpan<byte> data, ref int position, byte type, bool inField)
    {
        switch (type)
        {
            case BoolTrue or BoolFalse when inField:
                return new ThriftNode { Integer = type == BoolTrue ? 1 : 0 };
            case BoolTrue or BoolFalse or Byte:
                return new ThriftNode { Integer = data[position++] };
            case I16 or I32 or I64:
                return new ThriftNode { Integer = ZigZag(ReadVarint(data, ref position)) };
            case Double:
                position += 8;
                return new ThriftNode();
            case Binary:
                var length = checked((int)ReadVarint(data, ref position));
                var node = new ThriftNode { Offset = position, Length = length };
                position += length;
                return node;
            case List or Set:
                var sizeAndType = data[position++];
                var count = sizeAndType >> 4 == 15 ? checked((int)ReadVarint(data, ref position)) : sizeAndType >> 4;
                var items = new List<ThriftNode>(count);
                for (var i = 0; i < count; i++)
                {
                    items.Add(ReadValue(data, ref position, (byte)(sizeAndType & 0x0F), inField: false));
                }
                return new ThriftNode { Items = items };
            case Map:
                var entries = checked((int)ReadVarint(data, ref position));
                if (entries > 0)
                {
                    var types = data[position++];
                    for (var i = 0; i < entries; i++)
                    {
                        ReadValue(data, ref position, (byte)(types >> 4), inField: false);
                        ReadValue(data, ref position, (byte)(types & 0x0F), inField: false);
                    }
                }
                return new ThriftNode();
            case Struct:
                return ReadStruct(data, ref position);
            default:
                throw new InvalidDataException($"unknown Thrift compact type {type} at byte {position}");
        }
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
        throw new InvalidDataException($"Thrift varint longer than 64 bits at byte {position}");
    }

    private static long ZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);
}
