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
    /// <summary>The typed members of an Item (<see cref="StacItem.SpecFields"/>) in the order of the record.</summary>
    private static readonly byte[][] TypedNames =
        ["type"u8.ToArray(), "stac_version"u8.ToArray(), "stac_extensions"u8.ToArray(), "id"u8.ToArray(), "geometry"u8.ToArray(),
         "bbox"u8.ToArray(), "properties"u8.ToArray(), "links"u8.ToArray(), "assets"u8.ToArray(), "collection"u8.ToArray()];

    [ThreadStatic]
    private static Scratch? t_scratch;

    /// <summary>Appends the record of <paramref name="document"/> (one BinaryJson value) to <paramref name="output"/>; false when refused (output then holds a partial record).</summary>
    public static bool TryWrite(ReadOnlySpan<byte> document, BinaryJsonBuffer output, out string id, out string? collection)
    {
        id = "";
        collection = null;
        var scratch = t_scratch ??= new Scratch();
        var extras = scratch.TopExtras;
        extras.Clear();
        var position = 0;
        if (document[position++] != BinaryJson.Object)
        {
            return false;
        }
        // Where each typed member's value starts; -1 when absent.
        Span<int> at = stackalloc int[TypedNames.Length];
        at.Fill(-1);
        var count = BinaryJson.ReadCount(document, ref position);
        for (var i = 0; i < count; i++)
        {
            var start = position;
            var field = TypedField(BinaryJson.ReadBytes(document, ref position));
            var value = position;
            BinaryJson.Skip(document, ref position);
            if (field >= 0)
            {
                at[field] = value;
            }
            else
            {
                extras.Add(new Range(start, position));
            }
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
        if (!TryWriteLinks(output, document, links, scratch))
        {
            return false;
        }
        output.WriteUtf8("assets"u8);
        if (!TryWriteAssets(output, document, assets, scratch))
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

    /// <summary>The index of <paramref name="name"/> in <see cref="TypedNames"/>, or -1 for another member.</summary>
    private static int TypedField(ReadOnlySpan<byte> name)
    {
        for (var i = 0; i < TypedNames.Length; i++)
        {
            if (name.SequenceEqual(TypedNames[i]))
            {
                return i;
            }
        }
        return -1;
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

    private static bool IsBbox(ReadOnlySpan<byte> document, int at)
    {
        if (document[at] != BinaryJson.Array)
        {
            return false;
        }
        var position = at + 1;
        var count = BinaryJson.ReadCount(document, ref position);
        if (count is not (4 or 6))
        {
            return false;
        }
        for (var i = 0; i < count; i++, position += 9)
        {
            if (document[position] is not (BinaryJson.Long or BinaryJson.Double))
            {
                return false;
            }
        }
        return true;
    }

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

    /// <summary>The links as <see cref="StacLink"/> writes them: rel, href, type, title, then the other fields.</summary>
    private static bool TryWriteLinks(BinaryJsonBuffer output, ReadOnlySpan<byte> document, int at, Scratch scratch)
    {
        if (at < 0 || document[at] == BinaryJson.Null)
        {
            EmptyArray(output);
            return true;
        }
        if (document[at] != BinaryJson.Array)
        {
            return false;
        }
        var position = at + 1;
        var count = BinaryJson.ReadCount(document, ref position);
        output.WriteByte(BinaryJson.Array);
        output.WriteCount(count);
        for (var i = 0; i < count; i++)
        {
            if (!TryWriteLink(output, document, ref position, scratch.Extras))
            {
                return false;
            }
        }
        return true;
    }

    private static bool TryWriteLink(BinaryJsonBuffer output, ReadOnlySpan<byte> document, ref int position, List<Range> extras)
    {
        if (document[position++] != BinaryJson.Object)
        {
            return false;
        }
        extras.Clear();
        int rel = -1, href = -1, type = -1, title = -1;
        var count = BinaryJson.ReadCount(document, ref position);
        for (var i = 0; i < count; i++)
        {
            var start = position;
            var name = BinaryJson.ReadBytes(document, ref position);
            var value = position;
            BinaryJson.Skip(document, ref position);
            var tag = document[value];
            if (name.SequenceEqual("rel"u8) || name.SequenceEqual("href"u8))
            {
                if (tag != BinaryJson.String)
                {
                    return false;
                }
                if (name[0] == (byte)'r') rel = value; else href = value;
            }
            else if (tag is BinaryJson.String or BinaryJson.Null && name.SequenceEqual("type"u8))
            {
                type = value;
            }
            else if (tag is BinaryJson.String or BinaryJson.Null && name.SequenceEqual("title"u8))
            {
                title = value;
            }
            else
            {
                extras.Add(new Range(start, position));
            }
        }
        if (rel < 0 || href < 0)
        {
            return false;
        }
        var typed = IsString(document, type) ? 1 : 0;
        var titled = IsString(document, title) ? 1 : 0;
        output.WriteByte(BinaryJson.Object);
        output.WriteCount(2 + typed + titled + extras.Count);
        Member(output, "rel"u8, document, rel);
        Member(output, "href"u8, document, href);
        OptionalString(output, "type"u8, document, type);
        OptionalString(output, "title"u8, document, title);
        foreach (var extra in extras)
        {
            output.WriteBytes(document[extra]);
        }
        return true;
    }

    /// <summary>The assets as <see cref="StacAsset"/> writes them: href, type, title, description, roles, then the other fields.</summary>
    private static bool TryWriteAssets(BinaryJsonBuffer output, ReadOnlySpan<byte> document, int at, Scratch scratch)
    {
        if (at < 0 || document[at] == BinaryJson.Null)
        {
            output.WriteByte(BinaryJson.Object);
            output.WriteCount(0);
            return true;
        }
        if (document[at] != BinaryJson.Object)
        {
            return false;
        }
        var position = at + 1;
        var count = BinaryJson.ReadCount(document, ref position);
        output.WriteByte(BinaryJson.Object);
        output.WriteCount(count);
        for (var i = 0; i < count; i++)
        {
            output.WriteUtf8(BinaryJson.ReadBytes(document, ref position));
            if (!TryWriteAsset(output, document, ref position, scratch.Extras))
            {
                return false;
            }
        }
        return true;
    }

    private static bool TryWriteAsset(BinaryJsonBuffer output, ReadOnlySpan<byte> document, ref int position, List<Range> extras)
    {
        if (document[position++] != BinaryJson.Object)
        {
            return false;
        }
        extras.Clear();
        int href = -1, type = -1, title = -1, description = -1, roles = -1;
        var count = BinaryJson.ReadCount(document, ref position);
        for (var i = 0; i < count; i++)
        {
            var start = position;
            var name = BinaryJson.ReadBytes(document, ref position);
            var value = position;
            BinaryJson.Skip(document, ref position);
            var tag = document[value];
            if (name.SequenceEqual("href"u8))
            {
                if (tag != BinaryJson.String)
                {
                    return false;
                }
                href = value;
            }
            else if (tag is BinaryJson.String or BinaryJson.Null && name.SequenceEqual("type"u8))
            {
                type = value;
            }
            else if (tag is BinaryJson.String or BinaryJson.Null && name.SequenceEqual("title"u8))
            {
                title = value;
            }
            else if (tag is BinaryJson.String or BinaryJson.Null && name.SequenceEqual("description"u8))
            {
                description = value;
            }
            else if (name.SequenceEqual("roles"u8) && IsArrayOfStrings(document, value))
            {
                roles = value;
            }
            else
            {
                extras.Add(new Range(start, position));
            }
        }
        if (href < 0)
        {
            return false;
        }
        var typed = IsString(document, type) ? 1 : 0;
        var titled = IsString(document, title) ? 1 : 0;
        var described = IsString(document, description) ? 1 : 0;
        output.WriteByte(BinaryJson.Object);
        output.WriteCount(1 + typed + titled + described + (roles >= 0 ? 1 : 0) + extras.Count);
        Member(output, "href"u8, document, href);
        OptionalString(output, "type"u8, document, type);
        OptionalString(output, "title"u8, document, title);
        OptionalString(output, "description"u8, document, description);
        if (roles >= 0)
        {
            Member(output, "roles"u8, document, roles);
        }
        foreach (var extra in extras)
        {
            output.WriteBytes(document[extra]);
        }
        return true;
    }

    private static bool IsArrayOfStrings(ReadOnlySpan<byte> document, int at)
    {
        if (document[at] != BinaryJson.Array)
        {
            return false;
        }
        var position = at + 1;
        var count = BinaryJson.ReadCount(document, ref position);
        for (var i = 0; i < count; i++)
        {
            if (document[position] != BinaryJson.String)
            {
                return false;
            }
            BinaryJson.Skip(document, ref position);
        }
        return true;
    }

    private static bool IsString(ReadOnlySpan<byte> document, int at) => at >= 0 && document[at] == BinaryJson.String;

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

    /// <summary>A string member that a null or absent value leaves out, as the typed fields do.</summary>
    private static void OptionalString(BinaryJsonBuffer output, ReadOnlySpan<byte> name, ReadOnlySpan<byte> document, int at)
    {
        if (IsString(document, at))
        {
            Member(output, name, document, at);
        }
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
