using System.Buffers.Binary;
using StacPkg.Core.Json;

namespace StacPkg.Core.Stac;

/// <summary>
/// Makes an Item's record (<see cref="StacItemRecord"/>) from the <see cref="BinaryJson"/> of its
/// document without building objects: it checks what <see cref="StacItem.FromJson"/>,
/// <see cref="StacAsset"/> and <see cref="StacLink"/> check and writes the members in the order and
/// form their ToJson gives, so the record is byte for byte the one of the Item read the eager way.
/// Anything it does not take as it is (an invalid Item, a Collection) is refused, and the caller
/// reads the document the eager way, which says what is wrong.
/// </summary>
/// <remarks>The document's numbers must be finite and its objects free of duplicate names, as <see cref="BinaryJsonTranscoder"/> guarantees.</remarks>
internal static class StacItemRecordCanonicalizer
{
    /// <summary>The typed members of an Item (<see cref="StacItem.SpecFields"/>) in the order of the record; their values are checked one by one below.</summary>
    private static readonly Shape ItemShape = new(
        ("type", Kind.Any), ("stac_version", Kind.Any), ("stac_extensions", Kind.Any), ("id", Kind.Any), ("geometry", Kind.Any),
        ("bbox", Kind.Any), ("properties", Kind.Any), ("links", Kind.Any), ("assets", Kind.Any), ("collection", Kind.Any));

    /// <summary>The typed fields of <see cref="StacLink"/>, in the order of its ToJson.</summary>
    private static readonly Shape LinkShape = new(("rel", Kind.String), ("href", Kind.String), ("type", Kind.StringOrNull), ("title", Kind.StringOrNull));

    /// <summary>The typed fields of <see cref="StacAsset"/>, in the order of its ToJson.</summary>
    private static readonly Shape AssetShape = new(
        ("href", Kind.String), ("type", Kind.StringOrNull), ("title", Kind.StringOrNull), ("description", Kind.StringOrNull), ("roles", Kind.Strings));

    [ThreadStatic]
    private static Scratch? t_scratch;

    /// <summary>Appends the record of <paramref name="document"/> (one BinaryJson value) to <paramref name="output"/>; false when refused (output then holds a partial record).</summary>
    public static bool TryWrite(ReadOnlySpan<byte> document, BinaryJsonBuffer output, out string id, out string? collection)
    {
        id = "";
        collection = null;
        var scratch = t_scratch ??= new Scratch();
        var extras = scratch.TopExtras;
        var position = 0;
        // Where each typed member's value starts; -1 when absent.
        Span<int> at = stackalloc int[ItemShape.Names.Length];
        if (document[position++] != BinaryJson.Object || !TrySplit(document, ref position, ItemShape, at, extras))
        {
            return false;
        }
        var (type, version, extensions, idAt, geometry) = (at[0], at[1], at[2], at[3], at[4]);
        var (bbox, properties, links, assets, collectionAt) = (at[5], at[6], at[7], at[8], at[9]);

        if (type < 0 || !IsString(document, type, "Feature"u8) || version < 0 || document[version] != BinaryJson.String ||
            idAt < 0 || document[idAt] != BinaryJson.String || StringBytes(document, idAt).Length == 0 ||
            (collectionAt >= 0 && document[collectionAt] is not (BinaryJson.String or BinaryJson.Null)) ||
            (extensions >= 0 && !IsArrayOfStrings(document, extensions)) ||
            (geometry >= 0 && !IsGeometryOrNull(document, geometry, scratch.Keys)) ||
            (bbox >= 0 && document[bbox] != BinaryJson.Null && !IsBbox(document, bbox)) ||
            properties < 0 || document[properties] != BinaryJson.Object || !HasValidTimestamps(document, properties, scratch.Keys))
        {
            return false;
        }
        var hasBbox = bbox >= 0 && document[bbox] != BinaryJson.Null;
        var hasCollection = collectionAt >= 0 && document[collectionAt] == BinaryJson.String;

        output.WriteByte(BinaryJson.Object);
        output.WriteCount(8 + (hasBbox ? 1 : 0) + (hasCollection ? 1 : 0) + extras.Count);
        Member(output, "type"u8, document, type);
        Member(output, "stac_version"u8, document, version);
        output.WriteUtf8("stac_extensions"u8);
        if (extensions >= 0)
        {
            Copy(output, document, extensions);
        }
        else
        {
            EmptyArray(output);
        }
        Member(output, "id"u8, document, idAt);
        output.WriteUtf8("geometry"u8);
        if (geometry >= 0)
        {
            Copy(output, document, geometry);
        }
        else
        {
            output.WriteByte(BinaryJson.Null);
        }
        if (hasBbox)
        {
            WriteBbox(output, document, bbox);
        }
        Member(output, "properties"u8, document, properties);
        output.WriteUtf8("links"u8);
        if (!TryWriteAll(output, document, links, BinaryJson.Array, LinkShape, scratch.Extras))
        {
            return false;
        }
        output.WriteUtf8("assets"u8);
        if (!TryWriteAll(output, document, assets, BinaryJson.Object, AssetShape, scratch.Extras))
        {
            return false;
        }
        if (hasCollection)
        {
            Member(output, "collection"u8, document, collectionAt);
            collection = scratch.Keys.Get(StringBytes(document, collectionAt));
        }
        foreach (var extra in extras)
        {
            output.WriteBytes(document[extra]);
        }
        id = System.Text.Encoding.UTF8.GetString(StringBytes(document, idAt));
        return true;
    }

    private static bool IsGeometryOrNull(ReadOnlySpan<byte> document, int at, KeyCache keys)
    {
        if (document[at] == BinaryJson.Null)
        {
            return true;
        }
        if (document[at] != BinaryJson.Object)
        {
            return false;
        }
        // Geometries are small: decoded, they are checked by the one set of rules.
        var position = at;
        try
        {
            GeoJsonGeometry.Validate((JsonMap)BinaryJson.Read(document, ref position, keys)!);
            return true;
        }
        catch (StacFormatException)
        {
            return false;
        }
    }

    private static bool IsBbox(ReadOnlySpan<byte> document, int at) =>
        CountIfAll(document, at, static tag => tag is BinaryJson.Long or BinaryJson.Double) is 4 or 6;

    /// <summary>The bbox as StacItem holds it: doubles.</summary>
    private static void WriteBbox(BinaryJsonBuffer output, ReadOnlySpan<byte> document, int at)
    {
        output.WriteUtf8("bbox"u8);
        output.WriteByte(BinaryJson.Array);
        var position = at + 1;
        var count = BinaryJson.ReadCount(document, ref position);
        output.WriteCount(count);
        for (var i = 0; i < count; i++)
        {
            var tag = document[position++];
            var bits = BinaryJson.ReadInt64(document, ref position);
            output.WriteByte(BinaryJson.Double);
            output.WriteInt64(tag == BinaryJson.Long ? BitConverter.DoubleToInt64Bits(bits) : bits);
        }
    }

    /// <summary>The timestamp rules of <see cref="StacItem"/>: each timestamp property null or RFC 3339, and a datetime or both ends of a range.</summary>
    private static bool HasValidTimestamps(ReadOnlySpan<byte> document, int at, KeyCache keys)
    {
        var position = at + 1;
        var count = BinaryJson.ReadCount(document, ref position);
        bool datetime = false, start = false, end = false;
        for (var i = 0; i < count; i++)
        {
            var name = BinaryJson.ReadBytes(document, ref position);
            var value = position;
            BinaryJson.Skip(document, ref position);
            // Every timestamp name is 7 to 14 bytes and ends in d, e or s: most names are passed over without a lookup.
            if (name.Length is < 7 or > 14 || name[^1] is not ((byte)'d' or (byte)'e' or (byte)'s') ||
                keys.Get(name) is not { } key || !StacDateTime.TimestampProperties.Contains(key) ||
                document[value] == BinaryJson.Null)
            {
                continue;
            }
            if (document[value] != BinaryJson.String ||
                !StacDateTime.TryParse(System.Text.Encoding.UTF8.GetString(StringBytes(document, value)), out _, out _))
            {
                return false;
            }
            datetime |= key == "datetime";
            start |= key == "start_datetime";
            end |= key == "end_datetime";
        }
        return datetime || (start && end);
    }

    /// <summary>
    /// Splits the members of the object whose count is at <paramref name="position"/> into the
    /// typed fields of <paramref name="shape"/> (<paramref name="at"/>: where each value starts, -1
    /// when absent) and the others, kept in their order as byte ranges (name and value) in
    /// <paramref name="extras"/>. A value a typed field does not take is another member, as in the
    /// eager readers; false when a field must be a string and is not.
    /// </summary>
    private static bool TrySplit(ReadOnlySpan<byte> document, ref int position, Shape shape, Span<int> at, List<Range> extras)
    {
        at.Fill(-1);
        extras.Clear();
        var count = BinaryJson.ReadCount(document, ref position);
        for (var i = 0; i < count; i++)
        {
            var start = position;
            var field = shape.IndexOf(BinaryJson.ReadBytes(document, ref position));
            var value = position;
            BinaryJson.Skip(document, ref position);
            if (field < 0)
            {
                extras.Add(new Range(start, position));
                continue;
            }
            var tag = document[value];
            switch (shape.Kinds[field])
            {
                case Kind.String when tag != BinaryJson.String:
                    return false;
                case Kind.StringOrNull when tag is not (BinaryJson.String or BinaryJson.Null):
                case Kind.Strings when !IsArrayOfStrings(document, value):
                    extras.Add(new Range(start, position));
                    break;
                default:
                    at[field] = value;
                    break;
            }
        }
        return true;
    }

    /// <summary>
    /// The links (an array) or assets (an object by key) as the Item writes them, each by
    /// <see cref="TryWriteTyped"/>; absent or null, they are an empty <paramref name="container"/>.
    /// </summary>
    private static bool TryWriteAll(BinaryJsonBuffer output, ReadOnlySpan<byte> document, int at, byte container, Shape shape, List<Range> extras)
    {
        output.WriteByte(container);
        if (at < 0 || document[at] == BinaryJson.Null)
        {
            output.WriteCount(0);
            return true;
        }
        if (document[at] != container)
        {
            return false;
        }
        var position = at + 1;
        var count = BinaryJson.ReadCount(document, ref position);
        output.WriteCount(count);
        for (var i = 0; i < count; i++)
        {
            if (container == BinaryJson.Object)
            {
                output.WriteUtf8(BinaryJson.ReadBytes(document, ref position));
            }
            if (!TryWriteTyped(output, document, ref position, shape, extras))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// An asset or a link as its ToJson writes it: the typed fields of <paramref name="shape"/> in
    /// order, a null one left out, then the other members as they came; false when it is not an
    /// object or lacks a field that must be a string.
    /// </summary>
    private static bool TryWriteTyped(BinaryJsonBuffer output, ReadOnlySpan<byte> document, ref int position, Shape shape, List<Range> extras)
    {
        Span<int> at = stackalloc int[shape.Names.Length];
        if (document[position++] != BinaryJson.Object || !TrySplit(document, ref position, shape, at, extras))
        {
            return false;
        }
        var members = extras.Count;
        for (var f = 0; f < at.Length; f++)
        {
            if (at[f] < 0 && shape.Kinds[f] == Kind.String)
            {
                return false;
            }
            members += at[f] >= 0 && document[at[f]] != BinaryJson.Null ? 1 : 0;
        }
        output.WriteByte(BinaryJson.Object);
        output.WriteCount(members);
        for (var f = 0; f < at.Length; f++)
        {
            if (at[f] >= 0 && document[at[f]] != BinaryJson.Null)
            {
                Member(output, shape.Names[f], document, at[f]);
            }
        }
        foreach (var extra in extras)
        {
            output.WriteBytes(document[extra]);
        }
        return true;
    }

    private static bool IsArrayOfStrings(ReadOnlySpan<byte> document, int at) =>
        CountIfAll(document, at, static tag => tag == BinaryJson.String) >= 0;

    /// <summary>The length of the array at <paramref name="at"/> when <paramref name="accepts"/> takes the tag of each element; -1 when not.</summary>
    private static int CountIfAll(ReadOnlySpan<byte> document, int at, Func<byte, bool> accepts)
    {
        if (document[at] != BinaryJson.Array)
        {
            return -1;
        }
        var position = at + 1;
        var count = BinaryJson.ReadCount(document, ref position);
        for (var i = 0; i < count; i++)
        {
            if (!accepts(document[position]))
            {
                return -1;
            }
            BinaryJson.Skip(document, ref position);
        }
        return count;
    }

    private static bool IsString(ReadOnlySpan<byte> document, int at, ReadOnlySpan<byte> text) =>
        document[at] == BinaryJson.String && StringBytes(document, at).SequenceEqual(text);

    /// <summary>The UTF-8 bytes of the string value at <paramref name="at"/>: tag, count, bytes.</summary>
    private static ReadOnlySpan<byte> StringBytes(ReadOnlySpan<byte> document, int at) =>
        document.Slice(at + 5, BinaryPrimitives.ReadInt32LittleEndian(document[(at + 1)..]));

    /// <summary>A member whose value is copied as it is.</summary>
    private static void Member(BinaryJsonBuffer output, ReadOnlySpan<byte> name, ReadOnlySpan<byte> document, int at)
    {
        output.WriteUtf8(name);
        Copy(output, document, at);
    }

    private static void Copy(BinaryJsonBuffer output, ReadOnlySpan<byte> document, int at)
    {
        var end = at;
        BinaryJson.Skip(document, ref end);
        output.WriteBytes(document[at..end]);
    }

    private static void EmptyArray(BinaryJsonBuffer output)
    {
        output.WriteByte(BinaryJson.Array);
        output.WriteCount(0);
    }

    /// <summary>What a typed field takes; any other value makes the member one of the other fields.</summary>
    private enum Kind : byte
    {
        /// <summary>Any value: the Item's members, checked one by one.</summary>
        Any,

        /// <summary>Only a string: anything else makes the object invalid.</summary>
        String,

        /// <summary>A string, or null which leaves the field out.</summary>
        StringOrNull,

        /// <summary>An array of strings.</summary>
        Strings,
    }

    /// <summary>The typed fields of an object, by UTF-8 name.</summary>
    private sealed class Shape
    {
        public Shape(params (string Name, Kind Kind)[] fields)
        {
            Names = Array.ConvertAll(fields, f => System.Text.Encoding.UTF8.GetBytes(f.Name));
            Kinds = Array.ConvertAll(fields, f => f.Kind);
        }

        public byte[][] Names { get; }

        public Kind[] Kinds { get; }

        public int IndexOf(ReadOnlySpan<byte> name)
        {
            for (var i = 0; i < Names.Length; i++)
            {
                if (name.SequenceEqual(Names[i]))
                {
                    return i;
                }
            }
            return -1;
        }
    }

    /// <summary>Per-thread lists reused across Items.</summary>
    private sealed class Scratch
    {
        public KeyCache Keys { get; } = new();

        /// <summary>Top-level members that are not typed fields, as byte ranges (name and value).</summary>
        public List<Range> TopExtras { get; } = new();

        /// <summary>The extra fields of the asset or link being written.</summary>
        public List<Range> Extras { get; } = new();
    }
}
