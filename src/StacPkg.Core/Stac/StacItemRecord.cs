using StacPkg.Core.Json;

namespace StacPkg.Core.Stac;

/// <summary>
/// An Item exactly as the writers take it: the <see cref="BinaryJson"/> form of
/// <see cref="StacItem.ToWritableJson"/> (members in the conventional order, checked, finite). Readers
/// that can build it straight from their input keep an Item as its record until a script touches a
/// member (<see cref="StacItem"/>), so Items that only pass through are never built as objects.
/// </summary>
internal sealed class StacItemRecord
{
    [ThreadStatic]
    private static BinaryJsonBuffer? t_buffer;

    public StacItemRecord(byte[] bytes) => Bytes = bytes;

    /// <summary>A record whose writer knows where its top-level members start (and, last, where it ends).</summary>
    public StacItemRecord(byte[] bytes, int[] members) : this(bytes) => _members = members;

    /// <summary>The record: one <see cref="BinaryJson.Object"/> value. Never changed once made.</summary>
    public byte[] Bytes { get; }

    /// <summary>The record of an Item built as objects (hand-made, changed, or read by a path without records).</summary>
    /// <exception cref="StacFormatException">The Item holds a number JSON cannot hold.</exception>
    public static StacItemRecord FromItem(StacItem item)
    {
        var buffer = t_buffer ??= new BinaryJsonBuffer();
        buffer.Clear();
        BinaryJson.Write(buffer, item.ToWritableJson());
        return new StacItemRecord(buffer.WrittenSpan.ToArray());
    }

    [ThreadStatic]
    private static BinaryJsonBuffer? t_document;

    /// <summary>
    /// The Item that UTF-8 JSON text holds, as its record, built without objects; null for anything
    /// else or unusual (a Collection, an invalid Item, duplicate names...), which the caller reads
    /// the eager way (<see cref="Json.JsonValueReader"/>, <see cref="StacItem.FromJson"/>) for its
    /// outcome or error.
    /// </summary>
    public static StacItem? TryReadItem(ReadOnlySpan<byte> utf8)
    {
        var document = t_document ??= new BinaryJsonBuffer();
        var buffer = t_buffer ??= new BinaryJsonBuffer();
        document.Clear();
        buffer.Clear();
        if (!BinaryJsonTranscoder.TryTranscode(utf8, document) ||
            !StacItemRecordCanonicalizer.TryWrite(document.WrittenSpan, buffer, out var id, out var collection))
        {
            return null;
        }
        return new StacItem(new StacItemRecord(buffer.WrittenSpan.ToArray()), id, collection);
    }

    /// <summary>The record as a JSON object tree.</summary>
    public JsonMap ToJsonMap(KeyCache keys)
    {
        var position = 0;
        return (JsonMap)BinaryJson.Read(Bytes, ref position, keys)!;
    }

    [ThreadStatic]
    private static KeyCache? t_keys;

    // Where each top-level member's name starts, then where the record ends: found by one walk when
    // first asked, since finding a member otherwise means walking all the members before it.
    private int[]? _members;

    /// <summary>The top-level members: each one's name and, ending where the next member starts, its value.</summary>
    public int MemberCount => Members().Length - 1;

    public ReadOnlySpan<byte> MemberName(int index)
    {
        var position = Members()[index];
        var length = BinaryJson.ReadCount(Bytes, ref position);
        return Bytes.AsSpan(position, length);
    }

    /// <summary>Where the value of member <paramref name="index"/> starts and ends.</summary>
    public Range MemberValue(int index)
    {
        var members = Members();
        var position = members[index];
        BinaryJson.ReadBytes(Bytes, ref position);
        return new Range(position, members[index + 1]);
    }

    /// <summary>Where the value of the top-level member <paramref name="name"/> starts; -1 when the Item has none.</summary>
    public int FindMember(ReadOnlySpan<byte> name)
    {
        for (var i = 0; i < MemberCount; i++)
        {
            if (MemberName(i).SequenceEqual(name))
            {
                return MemberValue(i).Start.Value;
            }
        }
        return -1;
    }

    private int[] Members()
    {
        if (_members is { } known)
        {
            return known;
        }
        var position = 1;
        var members = new int[BinaryJson.ReadCount(Bytes, ref position) + 1];
        for (var i = 0; i < members.Length - 1; i++)
        {
            members[i] = position;
            BinaryJson.ReadBytes(Bytes, ref position);
            BinaryJson.Skip(Bytes, ref position);
        }
        members[^1] = position;
        // Two threads may both walk: they find the same positions.
        return _members = members;
    }

    /// <summary>The Item's assets as <see cref="StacItem.Assets"/> would give them, decoded from the assets member alone.</summary>
    public Dictionary<string, StacAsset> ReadAssets()
    {
        var position = FindMember("assets"u8);
        return StacItem.ParseAssets(position < 0 ? null : BinaryJson.Read(Bytes, ref position, t_keys ??= new KeyCache()));
    }
}
