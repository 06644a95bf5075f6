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

    /// <summary>Widens the schema to hold an Item that passed <see cref="Check"/>.</summary>
    public void Merge(StacItem item, JsonMap json)
    {
        if (item.Geometry is not null)
        {
            Geometry.Add(item.Geometry);
        }
        HasZBbox |= item.Bbox is { Length: 6 };
        HasGeometryMembers |= item.Geometry is not null && GeometryMembers.Of(item.Geometry) is not null;
        Links.Merge(json["links"]);
        Assets.Merge(json["assets"]);
        foreach (var (name, value) in item.Properties)
        {
            var timestamp = StacDateTime.TimestampProperties.Contains(name);
            var column = Column(_properties, Properties, name, timestamp);
            if (timestamp)
            {
                continue;
            }
            // Geometry-valued properties become WKB columns, as the stac-geoparquet spec asks.
            if (value is JsonMap map && WkbGeometryValue.IsExact(map))
            {
                if (column.MergeGeometry())
                {
                    GeometryExtent(name).Add(map);
                }
            }
            else
            {
                column.Merge(value);
            }
        }
        foreach (var (name, value) in item.AdditionalFields)
        {
            Column(_itemFields, ItemFields, name, timestamp: false).Merge(value);
        }
    }

    /// <summary>Checks that the Item can be stored, and records its names for the checks of later Items.</summary>
    /// <exception cref="StacFormatException">The Item cannot be stored.</exception>
    public void Check(StacItem item, Action<string> warn)
    {
        if (item.Geometry is not null)
        {
            GeoJsonGeometry.Validate(item.Geometry);
        }
        if (item.Bbox is not null && item.Bbox.Length is not (4 or 6))
        {
            throw new StacFormatException("bbox must have 4 or 6 numbers") { ItemId = item.Id };
        }
        foreach (var (name, value) in item.Properties)
        {
            if (StacItem.SpecFields.Contains(name))
            {
                throw new StacFormatException($"property '{name}' has the name of a STAC GeoParquet column and cannot be stored") { ItemId = item.Id };
            }
            if (_itemFieldNames.Contains(name))
            {
                throw new StacFormatException($"property '{name}' has the name of a top-level field of another item") { ItemId = item.Id };
            }
            if (StacDateTime.TimestampProperties.Contains(name) && value is not null and not DateTime and not DateTimeOffset)
            {
                if (value is not string s || !StacDateTime.TryParse(s, out _, out var hadOffset))
                {
                    throw new StacFormatException($"property '{name}' must be an RFC 3339 timestamp, got {JsonValueWriter.ToJson(value, false)}") { ItemId = item.Id };
                }
                if (!hadOffset)
                {
                    warn($"item '{item.Id}': property '{name}' ('{s}') has no UTC offset; it is stored as UTC");
                }
            }
        }
        foreach (var name in item.AdditionalFields.Keys)
        {
            if (_propertyNames.Contains(name) || item.Properties.ContainsKey(name))
            {
                throw new StacFormatException($"top-level field '{name}' has the name of a property") { ItemId = item.Id };
            }
        }
        _propertyNames.UnionWith(item.Properties.Keys);
        _itemFieldNames.UnionWith(item.AdditionalFields.Keys);
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
