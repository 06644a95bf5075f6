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

    private readonly FieldIndex _properties = new();
    private readonly FieldIndex _itemFields = new();

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
    // A property name, once taken, is never a top-level field (such a field is refused), so a known
    // property is not checked again: only its value, when it is a timestamp.
    private readonly FieldIndex _propertyNames = new();
    private readonly List<bool> _timestampNames = new();
    private readonly HashSet<string> _itemFieldNames = new(StringComparer.Ordinal);

    // Each pass runs on one thread: Check on the caller's, Merge on the spooling task's.
    private readonly KeyCache _checkKeys = new();
    private readonly KeyCache _mergeKeys = new();
    private readonly List<string> _newProperties = new();
    private readonly List<string> _itemExtras = new();

    /// <summary>
    /// Widens the schema to hold an Item record that passed <see cref="Check"/>. Returns the record's
    /// geometry, decoded from the record: never the objects of the Item, which a script may change meanwhile.
    /// </summary>
    public JsonMap? Merge(ReadOnlySpan<byte> record)
    {
        JsonMap? geometry = null;
        var keys = _mergeKeys;
        var position = 1;
        var members = BinaryJson.ReadCount(record, ref position);
        for (var i = 0; i < members; i++)
        {
            switch (keys.Get(BinaryJson.ReadBytes(record, ref position)))
            {
                case "geometry" when record[position] == BinaryJson.Object:
                    geometry = (JsonMap)BinaryJson.Read(record, ref position, keys)!;
                    break;
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
                    _properties.Restart();
                    for (var p = 0; p < properties; p++)
                    {
                        MergeProperty(ColumnIndex(_properties, Properties, BinaryJson.ReadBytes(record, ref position), keys), record, ref position);
                    }
                    break;
                case var name when StacItem.SpecFields.Contains(name):
                    BinaryJson.Skip(record, ref position);
                    break;
                case var name:
                    var index = _itemFields.IndexOf(name);
                    ItemFields[index < 0 ? AddColumn(_itemFields, ItemFields, name, timestamp: false) : index].Value.Merge(record, ref position, keys);
                    break;
            }
        }
        if (geometry is not null)
        {
            Geometry.Add(geometry);
            HasGeometryMembers |= GeometryMembers.Of(geometry) is not null;
        }
        return geometry;
    }

    private void MergeProperty(int index, ReadOnlySpan<byte> record, ref int position)
    {
        var (name, column) = Properties[index];
        // Only timestamp properties have timestamp columns: their values need no inference.
        if (column.Kind == ColumnKind.Timestamp)
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
    public void Check(StacItemRecord item, string id, string? collection, JsonMap? geometry, Action<string> warn)
    {
        if (geometry is not null)
        {
            GeoJsonGeometry.Validate(geometry);
        }
        var record = item.Bytes.AsSpan();
        var keys = _checkKeys;
        _newProperties.Clear();
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
                    _propertyNames.Restart();
                    for (var p = 0; p < properties; p++)
                    {
                        var bytes = BinaryJson.ReadBytes(record, ref position);
                        var known = _propertyNames.Find(bytes, keys);
                        if (known >= 0)
                        {
                            if (_timestampNames[known])
                            {
                                CheckValue(true, keys.Get(bytes), record, ref position, id, warn);
                            }
                            else
                            {
                                BinaryJson.Skip(record, ref position);
                            }
                            continue;
                        }
                        var name = keys.Get(bytes);
                        CheckProperty(name, record, ref position, id, warn);
                        _newProperties.Add(name);
                    }
                    // Links, assets and the collection follow in a record; other members are top-level fields.
                    if (members - i - 1 == 2 + (collection is null ? 0 : 1))
                    {
                        i = members;
                    }
                    break;
                case var name when StacItem.SpecFields.Contains(name):
                    BinaryJson.Skip(record, ref position);
                    break;
                case "":
                    throw new StacFormatException("a top-level field has an empty name, which a column cannot have") { ItemId = id };
                case var name:
                    _itemExtras.Add(name);
                    BinaryJson.Skip(record, ref position);
                    break;
            }
        }
        foreach (var name in _itemExtras)
        {
            if (_propertyNames.IndexOf(name) >= 0 || _newProperties.Contains(name))
            {
                throw new StacFormatException($"top-level field '{name}' has the name of a property") { ItemId = id };
            }
        }
        foreach (var name in _newProperties)
        {
            _propertyNames.Add(name);
            _timestampNames.Add(StacDateTime.TimestampProperties.Contains(name));
        }
        _itemFieldNames.UnionWith(_itemExtras);
    }

    private void CheckProperty(string name, ReadOnlySpan<byte> record, ref int position, string id, Action<string> warn)
    {
        if (name.Length == 0)
        {
            throw new StacFormatException("a property has an empty name, which a column cannot have") { ItemId = id };
        }
        if (StacItem.SpecFields.Contains(name))
        {
            throw new StacFormatException($"property '{name}' has the name of a STAC GeoParquet column and cannot be stored") { ItemId = id };
        }
        if (_itemFieldNames.Contains(name))
        {
            throw new StacFormatException($"property '{name}' has the name of a top-level field of another item") { ItemId = id };
        }
        CheckValue(StacDateTime.TimestampProperties.Contains(name), name, record, ref position, id, warn);
    }

    /// <summary>Checks the value of the property <paramref name="name"/>, which must be a timestamp when <paramref name="timestamp"/>.</summary>
    private void CheckValue(bool timestamp, string name, ReadOnlySpan<byte> record, ref int position, string id, Action<string> warn)
    {
        if (!timestamp || record[position] == BinaryJson.Null)
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

    /// <summary>The index of the column of the member <paramref name="name"/>, added when new.</summary>
    private static int ColumnIndex(FieldIndex index, List<KeyValuePair<string, ColumnType>> ordered, ReadOnlySpan<byte> name, KeyCache keys)
    {
        var found = index.Find(name, keys);
        if (found >= 0)
        {
            return found;
        }
        var text = keys.Get(name);
        return AddColumn(index, ordered, text, StacDateTime.TimestampProperties.Contains(text));
    }

    private static int AddColumn(FieldIndex index, List<KeyValuePair<string, ColumnType>> ordered, string name, bool timestamp)
    {
        ordered.Add(new(name, new ColumnType(timestamp ? ColumnKind.Timestamp : ColumnKind.Null)));
        return index.Add(name);
    }
}
