using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Unicode;

namespace StacPkg.Core.Json;

/// <summary>
/// Turns UTF-8 JSON text straight into <see cref="BinaryJson"/>, with exactly the value model of
/// <see cref="JsonValueReader"/> (integers that fit a long stay long, any other number is a
/// double, strings unescaped) but without building the values as objects. It refuses what the
/// value model cannot hold the same way (duplicate member names, numbers beyond the double range,
/// invalid UTF-8): the caller then reads the text with <see cref="JsonValueReader"/>, which says why.
/// </summary>
internal static class BinaryJsonTranscoder
{
    private static readonly JsonReaderOptions Options = new() { MaxDepth = 256 };

    [ThreadStatic]
    private static MemberNames? t_names;

    /// <summary>Appends the BinaryJson of the one JSON value in <paramref name="utf8"/> to <paramref name="output"/>; false when refused (output then holds a partial value).</summary>
    public static bool TryTranscode(ReadOnlySpan<byte> utf8, BinaryJsonBuffer output)
    {
        var names = t_names ??= new MemberNames();
        names.Clear();
        var reader = new Utf8JsonReader(utf8, Options);
        try
        {
            return reader.Read() && TryWriteValue(ref reader, output, names) && !reader.Read();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            // Invalid JSON or invalid text in a string: the eager reader gives the error message.
            return false;
        }
    }

    private static bool TryWriteValue(ref Utf8JsonReader reader, BinaryJsonBuffer output, MemberNames names)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                output.WriteByte(BinaryJson.Object);
                var members = output.ReserveCount();
                var first = names.Count;
                var count = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var name = output.Length;
                    if (!TryWriteString(ref reader, output) || !names.TryAdd(output.WrittenSpan, name, first))
                    {
                        return false;
                    }
                    reader.Read();
                    if (!TryWriteValue(ref reader, output, names))
                    {
                        return false;
                    }
                    count++;
                }
                names.Truncate(first);
                output.PatchCount(members, count);
                return true;
            case JsonTokenType.StartArray:
                output.WriteByte(BinaryJson.Array);
                var elements = output.ReserveCount();
                var length = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (!TryWriteValue(ref reader, output, names))
                    {
                        return false;
                    }
                    length++;
                }
                output.PatchCount(elements, length);
                return true;
            case JsonTokenType.String:
                output.WriteByte(BinaryJson.String);
                return TryWriteString(ref reader, output);
            case JsonTokenType.Number:
                if (reader.ValueSpan.IndexOfAny((byte)'.', (byte)'e', (byte)'E') < 0 && reader.TryGetInt64(out var integer))
                {
                    output.WriteByte(BinaryJson.Long);
                    output.WriteInt64(integer);
                    return true;
                }
                if (!reader.TryGetDouble(out var number) || !double.IsFinite(number))
                {
                    return false;
                }
                output.WriteByte(BinaryJson.Double);
                output.WriteInt64(BitConverter.DoubleToInt64Bits(number));
                return true;
            case JsonTokenType.True:
                output.WriteByte(BinaryJson.True);
                return true;
            case JsonTokenType.False:
                output.WriteByte(BinaryJson.False);
                return true;
            case JsonTokenType.Null:
                output.WriteByte(BinaryJson.Null);
                return true;
            default:
                return false;
        }
    }

    /// <summary>A string or member name as BinaryJson text: the bytes as they are unless escaped (rare), then as the reader unescapes them.</summary>
    private static bool TryWriteString(ref Utf8JsonReader reader, BinaryJsonBuffer output)
    {
        if (reader.ValueIsEscaped)
        {
            output.WriteString(reader.GetString()!);
            return true;
        }
        var utf8 = reader.ValueSpan;
        if (!Utf8.IsValid(utf8))
        {
            return false;
        }
        output.WriteUtf8(utf8);
        return true;
    }

    /// <summary>
    /// The member names of the objects being transcoded, innermost last, to find a duplicate: a
    /// hash of each name is compared first (a vectorised search), its bytes only on a hash match.
    /// </summary>
    private sealed class MemberNames
    {
        private readonly List<int> _hashes = new();
        private readonly List<int> _offsets = new();

        public int Count => _hashes.Count;

        public void Clear()
        {
            _hashes.Clear();
            _offsets.Clear();
        }

        public void Truncate(int count)
        {
            _hashes.RemoveRange(count, _hashes.Count - count);
            _offsets.RemoveRange(count, _offsets.Count - count);
        }

        /// <summary>Adds the name written at <paramref name="offset"/> of <paramref name="written"/>; false when the object (names from <paramref name="first"/> on) already has it.</summary>
        public bool TryAdd(ReadOnlySpan<byte> written, int offset, int first)
        {
            var position = offset;
            var name = BinaryJson.ReadBytes(written, ref position);
            var hash = Hash(name);
            var hashes = CollectionsMarshal.AsSpan(_hashes);
            for (var i = first; i < hashes.Length;)
            {
                var hit = hashes[i..].IndexOf(hash);
                if (hit < 0)
                {
                    break;
                }
                i += hit;
                var other = _offsets[i];
                if (BinaryJson.ReadBytes(written, ref other).SequenceEqual(name))
                {
                    return false;
                }
                i++;
            }
            _hashes.Add(hash);
            _offsets.Add(offset);
            return true;
        }

        private static int Hash(ReadOnlySpan<byte> name)
        {
            var hash = new HashCode();
            hash.AddBytes(name);
            return hash.ToHashCode();
        }
    }
}
