using System.Buffers.Binary;
using System.Text;

namespace StacPkg.Core.Json;

/// <summary>
/// A compact tagged binary form of the plain JSON value model, for data that StacPkg parks on disk
/// and reads back itself: no number formatting or parsing, and repeated member names decode to one
/// shared string. Not an interchange format.
/// </summary>
internal static class BinaryJson
{
    public const byte Null = 0, False = 1, True = 2, Long = 3, Double = 4, String = 5, Array = 6, Object = 7;

    public static void Write(BinaryJsonBuffer buffer, object? value)
    {
        switch (value)
        {
            case null:
                buffer.WriteByte(Null);
                break;
            case bool b:
                buffer.WriteByte(b ? True : False);
                break;
            case long l:
                buffer.WriteByte(Long);
                buffer.WriteInt64(l);
                break;
            case double d:
                buffer.WriteByte(Double);
                buffer.WriteInt64(BitConverter.DoubleToInt64Bits(d));
                break;
            case string s:
                buffer.WriteByte(String);
                buffer.WriteString(s);
                break;
            case JsonMap map:
                buffer.WriteByte(Object);
                buffer.WriteCount(map.Count);
                foreach (var (key, child) in map)
                {
                    buffer.WriteString(key);
                    Write(buffer, child);
                }
                break;
            case List<object?> list:
                buffer.WriteByte(Array);
                buffer.WriteCount(list.Count);
                foreach (var child in list)
                {
                    Write(buffer, child);
                }
                break;
            default:
                Write(buffer, JsonValues.Normalize(value));
                break;
        }
    }

    /// <summary>Reads one value starting at <paramref name="position"/>, moving it past the value.</summary>
    public static object? Read(ReadOnlySpan<byte> data, ref int position, KeyCache keys)
    {
        var tag = data[position++];
        switch (tag)
        {
            case Null:
                return null;
            case False:
                return false;
            case True:
                return true;
            case Long:
                return ReadInt64(data, ref position);
            case Double:
                return BitConverter.Int64BitsToDouble(ReadInt64(data, ref position));
            case String:
                return Encoding.UTF8.GetString(ReadBytes(data, ref position));
            case Array:
                var count = ReadCount(data, ref position);
                var list = new List<object?>(count);
                for (var i = 0; i < count; i++)
                {
                    list.Add(Read(data, ref position, keys));
                }
                return list;
            case Object:
                var members = ReadCount(data, ref position);
                var map = new JsonMap(members);
                for (var i = 0; i < members; i++)
                {
                    var key = keys.Get(ReadBytes(data, ref position));
                    map[key] = Read(data, ref position, keys);
                }
                return map;
            default:
                throw new InvalidDataException($"corrupt spool data: tag {tag} at {position - 1}");
        }
    }

    public static ReadOnlySpan<byte> ReadBytes(ReadOnlySpan<byte> data, ref int position)
    {
        var length = ReadCount(data, ref position);
        var bytes = data.Slice(position, length);
        position += length;
        return bytes;
    }

    public static int ReadCount(ReadOnlySpan<byte> data, ref int position)
    {
        position += 4;
        return BinaryPrimitives.ReadInt32LittleEndian(data[(position - 4)..]);
    }

    public static long ReadInt64(ReadOnlySpan<byte> data, ref int position)
    {
        position += 8;
        return BinaryPrimitives.ReadInt64LittleEndian(data[(position - 8)..]);
    }

    /// <summary>
    /// Where the value of member <paramref name="name"/> of the object at <paramref name="position"/>
    /// starts; -1 when the value there is not an object or has no such member, or <paramref name="position"/> is -1 (so lookups chain).
    /// </summary>
    public static int FindMember(ReadOnlySpan<byte> data, int position, ReadOnlySpan<byte> name)
    {
        if (position < 0 || data[position++] != Object)
        {
            return -1;
        }
        for (var count = ReadCount(data, ref position); count > 0; count--)
        {
            if (ReadBytes(data, ref position).SequenceEqual(name))
            {
                return position;
            }
            Skip(data, ref position);
        }
        return -1;
    }

    /// <summary>Moves <paramref name="position"/> past one value without building it.</summary>
    public static void Skip(ReadOnlySpan<byte> data, ref int position)
    {
        var tag = data[position++];
        switch (tag)
        {
            case Long or Double:
                position += 8;
                break;
            case String:
                // Not "position += ReadCount(...)": that adds to the position before the count was read.
                var length = ReadCount(data, ref position);
                position += length;
                break;
            case Array:
                var count = ReadCount(data, ref position);
                for (var i = 0; i < count; i++)
                {
                    Skip(data, ref position);
                }
                break;
            case Object:
                var members = ReadCount(data, ref position);
                for (var i = 0; i < members; i++)
                {
                    var name = ReadCount(data, ref position);
                    position += name;
                    Skip(data, ref position);
                }
                break;
        }
    }
}
