using StacPkg.Core.Stac;

namespace StacPkg.Core.GeoParquet;

/// <summary>
/// The (sort key, spool offset) of every spooled Item, 16 bytes each, so that the writer can read the
/// spool back in <see cref="ItemSortOrder"/> without holding the Items. Equal keys keep their input
/// order (the offsets grow with it), so the order, and the file, depend only on the input.
/// </summary>
internal sealed class ItemSortKeys(ItemSortOrder order)
{
    /// <summary>The key of Items without a time or a location: they go last.</summary>
    private const ulong Missing = ulong.MaxValue;

    private Entry[] _entries = new Entry[1024];
    private int _count;

    private readonly record struct Entry(ulong Key, long Offset) : IComparable<Entry>
    {
        public int CompareTo(Entry other)
        {
            var byKey = Key.CompareTo(other.Key);
            return byKey != 0 ? byKey : Offset.CompareTo(other.Offset);
        }
    }

    /// <summary>Records the key of an Item spooled at <paramref name="offset"/>.</summary>
    public void Add(StacItem item, long offset)
    {
        if (_count == _entries.Length)
        {
            Array.Resize(ref _entries, _count * 2);
        }
        _entries[_count++] = new Entry(KeyOf(item), offset);
    }

    /// <summary>The spool offsets in the sorted order.</summary>
    public long[] SortedOffsets()
    {
        Array.Sort(_entries, 0, _count);
        var offsets = new long[_count];
        for (var i = 0; i < _count; i++)
        {
            offsets[i] = _entries[i].Offset;
        }
        return offsets;
    }

    private ulong KeyOf(StacItem item) => order switch
    {
        ItemSortOrder.Datetime => DatetimeKey(item),
        ItemSortOrder.Hilbert => HilbertKey(item),
        _ => throw new InvalidOperationException($"no sort keys for {order}"),
    };

    /// <summary>UTC ticks of datetime, or of start_datetime for a range Item.</summary>
    private static ulong DatetimeKey(StacItem item)
    {
        var instant = item.Datetime
            ?? (item.Properties.Get("start_datetime") is string start && StacDateTime.TryParse(start, out var parsed, out _) ? parsed : null);
        return instant is { } value ? (ulong)value.UtcTicks : Missing;
    }

    /// <summary>The Hilbert index of the bbox centre (of the geometry's extent when the Item has no bbox).</summary>
    private static ulong HilbertKey(StacItem item)
    {
        double xmin, ymin, xmax, ymax;
        if (item.Bbox is { Length: 4 or 6 } bbox)
        {
            var half = bbox.Length / 2;
            (xmin, ymin, xmax, ymax) = (bbox[0], bbox[1], bbox[half], bbox[half + 1]);
        }
        else if (item.Geometry is { } geometry)
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
}
