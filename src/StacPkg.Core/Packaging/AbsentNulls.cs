using System.Text;
using StacPkg.Core.Json;
using StacPkg.Core.Stac;

namespace StacPkg.Core.Packaging;

/// <summary>
/// Drops the null fields (top-level, properties, and nested objects) that reading STAC GeoParquet gives back as absent
/// (all but <c>datetime</c>), so an Item and the same Item read back from a package write the same
/// table: an all-null column would otherwise exist in one and not the other.
/// </summary>
internal static class AbsentNulls
{
    private const string KeptNull = "datetime";
    private static readonly byte[] KeptNullName = Encoding.UTF8.GetBytes(KeptNull);

    /// <summary>The Item itself when it has no such nulls, else a shallow copy without them (the caller's Item is never changed).</summary>
    public static StacItem Drop(StacItem item)
    {
        if (item.Record is { } record)
        {
            return Drop(item, record);
        }
        if (!HasNull(item.Properties) && !HasNull(item.AdditionalFields))
        {
            return item;
        }
        return new StacItem
        {
            Id = item.Id,
            Collection = item.Collection,
            StacCollection = item.StacCollection,
            Geometry = item.Geometry,
            Bbox = item.Bbox,
            Properties = Without(item.Properties),
            Assets = item.Assets,
            Links = item.Links,
            StacExtensions = item.StacExtensions,
            StacVersion = item.StacVersion,
            AdditionalFields = Without(item.AdditionalFields),
        };
    }

    [ThreadStatic]
    private static BinaryJsonBuffer? t_buffer;

    private static readonly byte[][] SpecFieldNames = [.. StacItem.SpecFields.Select(Encoding.UTF8.GetBytes)];

    /// <summary>The same for an Item that is still its record: the copy is a record too, so neither Item is built.</summary>
    private static StacItem Drop(StacItem item, StacItemRecord record)
    {
        ReadOnlySpan<byte> data = record.Bytes;
        // Copied while looking, so an Item with nulls is walked once; one without them only costs the copy.
        var output = t_buffer ??= new BinaryJsonBuffer();
        output.Clear();
        output.WriteByte(BinaryJson.Object);
        var count = output.ReserveCount();
        var (kept, dropped) = (0, 0);
        // Where the copy's members start, so that its readers need not walk it to find them.
        var members = new int[record.MemberCount + 1];
        for (var i = 0; i < record.MemberCount; i++)
        {
            members[kept] = output.Length;
            var name = record.MemberName(i);
            var value = record.MemberValue(i);
            var isProperties = name.SequenceEqual("properties"u8);
            if (!isProperties && IsSpecField(name))
            {
                output.WriteUtf8(name);
                output.WriteBytes(data[value]);
                kept++;
                continue;
            }
            // Top-level fields are kept or dropped as the members of properties are.
            if (!isProperties && data[value.Start] == BinaryJson.Null && !name.SequenceEqual(KeptNullName))
            {
                dropped++;
                continue;
            }
            output.WriteUtf8(name);
            kept++;
            var position = value.Start.Value;
            dropped += Copy(data, ref position, output, top: isProperties);
        }
        if (dropped == 0)
        {
            return item;
        }
        output.PatchCount(count, kept);
        members[kept] = output.Length;
        return new StacItem(new StacItemRecord(output.WrittenSpan.ToArray(), members[..(kept + 1)]), item.Id, item.Collection) { StacCollection = item.StacCollection };
    }

    private static bool IsSpecField(ReadOnlySpan<byte> name)
    {
        foreach (var field in SpecFieldNames)
        {
            if (name.SequenceEqual(field))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Copies the BinaryJson value at <paramref name="position"/> (moving past it) into
    /// <paramref name="output"/> without the nulls <see cref="Without(JsonMap, bool)"/> drops; returns how many it dropped.
    /// </summary>
    private static int Copy(ReadOnlySpan<byte> data, ref int position, BinaryJsonBuffer output, bool top)
    {
        var start = position;
        var tag = data[position];
        if (tag is not (BinaryJson.Object or BinaryJson.Array))
        {
            BinaryJson.Skip(data, ref position);
            output.WriteBytes(data[start..position]);
            return 0;
        }
        position++;
        output.WriteByte(tag);
        var count = BinaryJson.ReadCount(data, ref position);
        var countAt = output.ReserveCount();
        var (dropped, removed) = (0, 0);
        for (var i = 0; i < count; i++)
        {
            if (tag == BinaryJson.Array)
            {
                // Nulls inside lists stay: a list keeps its positions.
                dropped += Copy(data, ref position, output, top: false);
                continue;
            }
            var memberStart = position;
            var key = BinaryJson.ReadBytes(data, ref position);
            var valueStart = position;
            if (data[valueStart] == BinaryJson.Null && !(top && key.SequenceEqual(KeptNullName)))
            {
                position++;
                dropped++;
                removed++;
                continue;
            }
            output.WriteBytes(data[memberStart..valueStart]);
            dropped += Copy(data, ref position, output, top: false);
        }
        output.PatchCount(countAt, count - removed);
        return dropped;
    }

    private static bool HasNull(JsonMap map, bool top = true)
    {
        foreach (var (key, value) in map)
        {
            if (value is null ? !(top && key == KeptNull) : HasNull(value))
            {
                return true;
            }
        }
        return false;
    }

    private static bool HasNull(object value) => value switch
    {
        JsonMap map => HasNull(map, top: false),
        List<object?> list => list.Exists(v => v is not null && HasNull(v)),
        _ => false,
    };

    private static JsonMap Without(JsonMap map, bool top = true)
    {
        var copy = new JsonMap(map.Count);
        foreach (var (key, value) in map)
        {
            if (value is not null)
            {
                copy[key] = Without(value);
            }
            else if (top && key == KeptNull)
            {
                copy[key] = null;
            }
        }
        return copy;
    }

    // Nulls inside lists stay: a list keeps its positions, and the reader gives them back.
    private static object Without(object value) => value switch
    {
        JsonMap map => Without(map, top: false),
        List<object?> list => list.ConvertAll(v => v is null ? null : Without(v)),
        _ => value,
    };
}
