using StacPkg.Core.Json;

namespace StacPkg.Core.GeoParquet;

/// <summary>
/// The (sort key, spool offset, length) of every spooled Item, 24 bytes each, so that the writer can
/// read the spool back in <see cref="ItemSortOrder"/> (input order for <see cref="ItemSortOrder.None"/>)
/// without holding the Items, and knows its row groups before it shreds them. Equal keys keep their
/// input order (the offsets grow with it), so the order, and the file, depend only on the input.
/// </summary>
internal sealed class ItemSortKeys(ItemSortOrder order)
{
    /// <summary>The key of Items without a time or a location: they go last.</summary>
    private const ulong Missing = ulong.MaxValue;

    private Entry[] _entries = new Entry[1024];
    private int _count;

    private readonly record struct Entry(ulong Key, long Offset, int Length) : IComparable<Entry>
    {
        public int CompareTo(Entry other)
        {
            var byKey = Key.CompareTo(other.Key);
            return byKey != 0 ? byKey : Offset.CompareTo(other.Offset);
        }
    }

    /// <summary>Records the key of an Item record spooled at <paramref name="offset"/>, whose decoded geometry is <paramref name="geometry"/>.</summary>
    public void Add(ReadOnlySpan<byte> record, JsonMap? geometry, long offset)
    {
        if (_count == _entries.Length)
        {
            Array.Resize(ref _entries, _count * 2);
        }
        _entries[_count++] = new Entry(KeyOf(record, geometry), offset, record.Length);
    }

    /// <summary>
    /// The spool offsets in the sorted order, cut into row groups: one ends after
    /// <paramref name="rows"/> Items or once its records take <paramref name="bytes"/>. No Items give one empty row group.
    /// </summary>
    public List<ArraySegment<long>> RowGroups(int rows, long bytes)
    {
        if (order != ItemSortOrder.None)
        {
            Array.Sort(_entries, 0, _count);
        }
        var offsets = new long[_count];
        var groups = new List<ArraySegment<long>>();
        int start = 0;
        long size = 0;
        for (var i = 0; i < _count; i++)
        {
            offsets[i] = _entries[i].Offset;
            size += _entries[i].Length;
            if (i + 1 - start == rows || size >= bytes)
            {
                groups.Add(new ArraySegment<long>(offsets, start, i + 1 - start));
                start = i + 1;
                size = 0;
            }
        }
        if (start < _count || _count == 0)
        {
            groups.Add(new ArraySegment<long>(offsets, start, _count - start));
        }
        return groups;
    }

    private ulong KeyOf(ReadOnlySpan<byte> record, JsonMap? geometry) => order switch
    {
        ItemSortOrder.None => 0,
        ItemSortOrder.Datetime => ItemRecordMembers.DatetimeOrStart(record) is { } instant ? (ulong)instant.UtcTicks : Missing,
        ItemSortOrder.Hilbert => HilbertKey(record, geometry),
        _ => throw new ArgumentOutOfRangeException(nameof(order), order, "not a sort order"),
    };

    /// <summary>The Hilbert index of the bbox centre (of the geometry's extent when the Item has no bbox).</summary>
    private static ulong HilbertKey(ReadOnlySpan<byte> record, JsonMap? geometry)
    {
        double xmin, ymin, xmax, ymax;
        if (Bbox(record) is { Length: 4 or 6 } bbox)
        {
            var half = bbox.Length / 2;
            (xmin, ymin, xmax, ymax) = (bbox[0], bbox[1], bbox[half], bbox[half + 1]);
        }
        else if (geometry is not null)
        {
            var extent = default(BoundingBox);
            extent.Extend(geometry);
            if (extent.IsEmpty)
            {
                return Missing;
            }
            (xmin, ymin, xmax, ymax) = (extent.XMin, extent.YMin, extent.XMax, extent.YMax);
        }
        else
        {
            return Missing;
        }
        var x = (xmin + xmax) / 2;
        if (xmin > xmax)
        {
            // A bbox across the antimeridian: its centre is half way along the wrapped span.
            x += x > 0 ? -180 : 180;
        }
        return HilbertCurve.OfLonLat(x, (ymin + ymax) / 2);
    }

    /// <summary>The record's bbox numbers, or null when it has none.</summary>
    private static double[]? Bbox(ReadOnlySpan<byte> record)
    {
        var position = BinaryJson.FindMember(record, 0, "bbox"u8);
        if (position < 0 || record[position++] != BinaryJson.Array)
        {
            return null;
        }
        var bbox = new double[BinaryJson.ReadCount(record, ref position)];
        for (var i = 0; i < bbox.Length; i++)
        {
            var tag = record[position++];
            var bits = BinaryJson.ReadInt64(record, ref position);
            bbox[i] = tag == BinaryJson.Long ? bits : BitConverter.Int64BitsToDouble(bits);
        }
        return bbox;
    }
}
