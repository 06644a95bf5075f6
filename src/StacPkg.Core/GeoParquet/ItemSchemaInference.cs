using StacPkg.Core.Json;
using StacPkg.Core.Stac;

namespace StacPkg.Core.GeoParquet;

/// <summary>
/// First pass of the writer: the union schema over every Item seen, plus the file-level facts of
/// the <c>geo</c> metadata (geometry types, bounds, 3D bbox).
/// </summary>
internal sealed class ItemSchemaInference
{
    public ColumnType Links { get; } = new(ColumnKind.Null);
    public ColumnType Assets { get; } = new(ColumnKind.Null);

    /// <summary>Property columns in first-seen order.</summary>
    public List<KeyValuePair<string, ColumnType>> Properties { get; } = new();

    /// <summary>Unknown top-level Item fields, stored as columns and listed in the file metadata.</summary>
    public List<KeyValuePair<string, ColumnType>> ItemFields { get; } = new();

    private readonly Dictionary<string, ColumnType> _properties = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ColumnType> _itemFields = new(StringComparer.Ordinal);

    /// <summary>Geometry types and bbox of the primary geometry column.</summary>
    public GeometryColumnExtent Geometry { get; } = new();

    /// <summary>Property columns stored as WKB (e.g. proj:geometry), in column order, with their extents.</summary>
    public IEnumerable<KeyValuePair<string, GeometryColumnExtent>> GeometryProperties =>
        Properties.Where(p => p.Value.Kind == ColumnKind.Binary).Select(p => new KeyValuePair<string, GeometryColumnExtent>(p.Key, _geometryProperties[p.Key]));

    private readonly Dictionary<string, GeometryColumnExtent> _geometryProperties = new(StringComparer.Ordinal);

    public bool HasZBbox { get; private set; }

    /// <summary>Some geometry carries members besides its type and coordinates (e.g. its own "bbox").</summary>
    public bool HasGeometryMembers { get; private set; }

    // Names are checked on the caller's thread while Merge may run on another, so they are kept apart.
    private readonly HashSet<string> _propertyNames = new(StringComparer.Ordinal);
    private readonly HashSet<string> _itemFieldNames = new(StringComparer.Ordinal);

    // Each pass runs on one thread: Check on the caller's, Merge on the spooling task's.
    private readonly KeyCache _checkKeys = new();
    private readonly KeyCache _mergeKeys = new();
    private readonly List<string> _itemProperties = new();
    private readonly List<string> _itemExtras = new();

    /// <summary>Widens the schema to hold an Item record that passed <see cref="Check"/>, whose geometry is <paramref name="geometry"/>.</summary>
    public void Merge(ReadOnlySpan<byte> record, JsonMap? geometry)
    {
        if (geometry is not null)
        {
            Geometry.Add(geometry);
            HasGeometryMembers |= GeometryMembers.Of(geometry) is not null;
        }
        var keys = _mergeKeys;
        var position = 1;
        var members = BinaryJson.ReadCount(record, ref position);
        for (var i = 0; i < members; i++)
        {
            switch (keys.Get(BinaryJson.ReadBytes(record, ref position)))
            {
                case "bbox":
                    HasZBbox |= record[position] == BinaryJson.Array && CountAt(record, position) == 6;
                    BinaryJson.Skip(record, ref position);
                    break;
                case "links":
                    Links.Merge(record, ref position, keys);
                    break;
                case "assets":
                    Assets.Merge(record, ref position, keys);
                    break;
                case "properties" when record[position] == BinaryJson.Object:
                    position++;
                    var properties = BinaryJson.ReadCount(record, ref position);
                    for (var p = 0; p < properties; p++)
                    {
                        MergeProperty(keys.Get(BinaryJson.ReadBytes(record, ref position)), record, ref position);
                    }
                    break;
                case var name when StacItem.SpecFields.Contains(name):
                    BinaryJson.Skip(record, ref position);
                    break;
                case var name:
                    Column(_itemFields, ItemFields, name, timestamp: false).Merge(record, ref position, keys);
                    break;
            }
        }
    }

    private void MergeProperty(string name, ReadOnlySpan<byte> record, ref int position)
    {
        var timestamp = StacDateTime.TimestampProperties.Contains(name);
        var column = Column(_properties, Properties, name, timestamp);
        if (timestamp)
        {
            BinaryJson.Skip(record, ref position);
            return;
        }
        // Geometry-valued properties become WKB columns, as the stac-geoparquet spec asks. Only an
        // object of two members can be one, so no other value is decoded.
        if (record[position] == BinaryJson.Object && CountAt(record, position) == 2)
        {
            var start = position;
            var map = (JsonMap)BinaryJson.Read(record, ref position, _mergeKeys)!;
            if (WkbGeometryValue.IsExact(map))
            {
                if (column.MergeGeometry())
                {
                    GeometryExtent(name).Add(map);
                }
                return;
            }
            position = start;
        }
        column.Merge(record, ref position, _mergeKeys);
    }

    /// <summary>The member or element count of the object or array at <paramref name="position"/>.</summary>
    private static int CountAt(ReadOnlySpan<byte> record, int position)
    {
        position++;
        return BinaryJson.ReadCount(record, ref position);
    }

    /// <summary>
    /// Checks that the Item record can be stored, and records its names for the checks of later
    /// Items. <paramref name="geometry"/> is the geometry of an Item built as objects, which a script
    /// may have set to anything; a reader validated the geometry of a record it made.
    /// </summary>
    /// <exception cref="StacFormatException">The Item cannot be stored.</exception>
    public void Check(StacItemRecord item, string id, JsonMap? geometry, Action<string> warn)
    {
        if (geometry is not null)
        {
            GeoJsonGeometry.Validate(geometry);
        }
        var record = item.Bytes.AsSpan();
        var keys = _checkKeys;
        _itemProperties.Clear();
        _itemExtras.Clear();
        var position = 1;
        var members = BinaryJson.ReadCount(record, ref position);
        for (var i = 0; i < members; i++)
        {
            switch (keys.Get(BinaryJson.ReadBytes(record, ref position)))
            {
                case "bbox" when record[position] == BinaryJson.Array && CountAt(record, position) is not (4 or 6):
                    throw new StacFormatException("bbox must have 4 or 6 numbers") { ItemId = id };
                case "properties" when record[position] == BinaryJson.Object:
                    position++;
                    var properties = BinaryJson.ReadCount(record, ref position);
                    for (var p = 0; p < properties; p++)
                    {
                        var name = keys.Get(BinaryJson.ReadBytes(record, ref position));
                        CheckProperty(name, record, ref position, id, warn);
                        _itemProperties.Add(name);
                    }
                    break;
                case var name when StacItem.SpecFields.Contains(name):
                    BinaryJson.Skip(record, ref position);
                    break;
                case var name:
                    _itemExtras.Add(name);
                    BinaryJson.Skip(record, ref position);
                    break;
            }
        }
        foreach (var name in _itemExtras)
        {
            if (_propertyNames.Contains(name) || _itemProperties.Contains(name))
            {
                throw new StacFormatException($"top-level field '{name}' has the name of a property") { ItemId = id };
            }
        }
        _propertyNames.UnionWith(_itemProperties);
        _itemFieldNames.UnionWith(_itemExtras);
    }

    private void CheckProperty(string name, ReadOnlySpan<byte> record, ref int position, string id, Action<string> warn)
    {
        if (StacItem.SpecFields.Contains(name))
        {
            throw new StacFormatException($"property '{name}' has the name of a STAC GeoParquet column and cannot be stored") { ItemId = id };
        }
        if (_itemFieldNames.Contains(name))
        {
            throw new StacFormatException($"property '{name}' has the name of a top-level field of another item") { ItemId = id };
        }
        if (!StacDateTime.TimestampProperties.Contains(name) || record[position] == BinaryJson.Null)
        {
            BinaryJson.Skip(record, ref position);
            return;
        }
        // A record holds dates a script set as RFC 3339 text.
        var value = BinaryJson.Read(record, ref position, _checkKeys);
        if (value is not string s || !StacDateTime.TryParse(s, out _, out var hadOffset))
        {
            throw new StacFormatException($"property '{name}' must be an RFC 3339 timestamp, got {JsonValueWriter.ToJson(value, false)}") { ItemId = id };
        }
        if (!hadOffset)
        {
            warn($"item '{id}': property '{name}' ('{s}') has no UTC offset; it is stored as UTC");
        }
    }

    private GeometryColumnExtent GeometryExtent(string name)
    {
        if (!_geometryProperties.TryGetValue(name, out var extent))
        {
            extent = new GeometryColumnExtent();
            _geometryProperties[name] = extent;
        }
        return extent;
    }

    private static ColumnType Column(Dictionary<string, ColumnType> index, List<KeyValuePair<string, ColumnType>> ordered, string name, bool timestamp)
    {
        if (!index.TryGetValue(name, out var column))
        {
            column = new ColumnType(timestamp ? ColumnKind.Timestamp : ColumnKind.Null);
            index[name] = column;
            ordered.Add(new(name, column));
        }
        return column;
    }
}
