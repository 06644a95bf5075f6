using System.Text.Json;
using StacPkg.Core.Json;
using StacPkg.Core.Stac;

namespace StacPkg.Core.GeoParquet;

/// <summary>How the top-level columns of a STAC GeoParquet file map back onto an Item's JSON.</summary>
internal sealed class ItemColumns
{
    private readonly IReadOnlyList<ReadNode> _columns;
    private readonly HashSet<string> _itemFields = new(StringComparer.Ordinal);
    // Assets hold WKB geometries to decode: they are read as objects.
    private readonly bool _assetWkb;
    // Members gathered apart while a row is read, then put where the document wants them.
    private readonly BinaryJsonBuffer _properties = new();
    private readonly BinaryJsonBuffer _extra = new();
    private readonly BinaryJsonBuffer _replacedProperties = new();

    public ItemColumns(ReadSchema schema, IReadOnlyDictionary<string, string> metadata)
    {
        _columns = schema.Columns;
        if (metadata.TryGetValue(GeoParquetMetadata.JsonColumnsKey, out var jsonColumns))
        {
            var paths = JsonSerializer.Deserialize<string[][]>(jsonColumns) ?? [];
            foreach (var leaf in schema.Leaves)
            {
                leaf.IsJson = paths.Any(p => p.AsSpan().SequenceEqual(leaf.Path));
            }
        }
        if (metadata.TryGetValue(GeoParquetMetadata.ItemFieldsKey, out var itemFields))
        {
            _itemFields.UnionWith(JsonSerializer.Deserialize<string[]>(itemFields) ?? []);
        }
        var wkbColumns = GeoMetadata.WkbColumns(metadata);
        foreach (var leaf in schema.Leaves)
        {
            leaf.KeepBytes = (leaf.Path.Length == 1 && wkbColumns.Contains(leaf.Path[0])) || AssetWkbGeometries.IsLeaf(leaf.Path);
            _assetWkb |= AssetWkbGeometries.IsLeaf(leaf.Path);
        }
    }

    /// <summary>
    /// Writes the next row as the <see cref="BinaryJson"/> of its Item document: spec fields, then
    /// properties, then top-level fields not in the specification. Returns false when a geometry read
    /// from WKB holds a number JSON cannot hold; the columns' own values are checked per row group
    /// (<see cref="ReadLeaf.HasNonFinite"/>).
    /// </summary>
    /// <exception cref="StacFormatException">A WKB value is not one geometry.</exception>
    public bool ReadDocument(BinaryJsonBuffer output)
    {
        var (properties, extra, replaced) = (_properties, _extra, _replacedProperties);
        properties.Clear();
        extra.Clear();
        replaced.Clear();
        var (members, propertyCount, extraCount) = (0, 0, 0);
        var finite = true;
        var hasType = false;
        var hasGeometry = false;
        JsonMap? geometry = null;
        JsonMap? geometryMembers = null;
        output.WriteByte(BinaryJson.Object);
        var count = output.ReserveCount();
        foreach (var column in _columns)
        {
            switch (column.Name)
            {
                case "geometry":
                    hasGeometry = true;
                    geometry = column.Read() is byte[] wkb ? GeoParquet.Wkb.Decode(wkb) : null;
                    break;
                case "bbox":
                    if (column.Read() is { } bbox)
                    {
                        Member(output, "bbox", BboxList(bbox));
                        members++;
                    }
                    break;
                case GeometryMembers.Column:
                    geometryMembers = column.Read() as JsonMap;
                    break;
                case "assets" when _assetWkb:
                    if (column.Read() is { } assets)
                    {
                        if (assets is JsonMap map)
                        {
                            AssetWkbGeometries.Decode(map);
                            finite &= JsonValues.FindNonFiniteNumber(map) is null;
                        }
                        Member(output, "assets", assets);
                        members++;
                    }
                    break;
                case "type" or "stac_version" or "stac_extensions" or "id" or "links" or "assets" or "collection":
                    var written = column.ReadMember(output);
                    members += written ? 1 : 0;
                    hasType |= written && column.Name == "type";
                    break;
                default:
                    var isExtra = _itemFields.Contains(column.Name);
                    // A top-level field named "properties" takes the place of the properties object.
                    var target = !isExtra ? properties : column.Name == "properties" ? replaced : extra;
                    if (column.Leaves[0].KeepBytes || (!isExtra && column.Name == "datetime"))
                    {
                        var value = column.Read();
                        if (value is byte[] geometryProperty)
                        {
                            // Only WKB columns keep their bytes: a geometry-valued property such as proj:geometry.
                            value = GeoParquet.Wkb.Decode(geometryProperty);
                            finite &= JsonValues.FindNonFiniteNumber(value) is null;
                        }
                        // A null datetime is meaningful (a range Item); other nulls are absent fields.
                        if (value is null && (isExtra || column.Name != "datetime"))
                        {
                            break;
                        }
                        Member(target, column.Name, value);
                    }
                    else if (!column.ReadMember(target))
                    {
                        break;
                    }
                    propertyCount += isExtra ? 0 : 1;
                    extraCount += target == extra ? 1 : 0;
                    break;
            }
        }
        if (hasGeometry)
        {
            if (geometry is not null)
            {
                if (geometryMembers is not null)
                {
                    GeometryMembers.Restore(geometry, geometryMembers);
                }
                finite &= JsonValues.FindNonFiniteNumber(geometry) is null;
            }
            Member(output, "geometry", geometry);
            members++;
        }
        if (!hasType)
        {
            Member(output, "type", "Feature");
            members++;
        }
        if (replaced.Length > 0)
        {
            output.WriteBytes(replaced.WrittenSpan);
        }
        else
        {
            output.WriteUtf8("properties"u8);
            output.WriteByte(BinaryJson.Object);
            output.WriteCount(propertyCount);
            output.WriteBytes(properties.WrittenSpan);
        }
        output.WriteBytes(extra.WrittenSpan);
        output.PatchCount(count, members + 1 + extraCount);
        return finite;
    }

    private static void Member(BinaryJsonBuffer output, string name, object? value)
    {
        output.WriteString(name);
        BinaryJson.Write(output, value);
    }

    /// <summary>The bbox struct (xmin, ymin, [zmin], xmax, ymax, [zmax]) or an older list layout back to a STAC bbox array.</summary>
    private static List<object?> BboxList(object value)
    {
        if (value is List<object?> list)
        {
            return list;
        }
        var map = (JsonMap)value;
        var hasZ = map.Get("zmin") is not null && map.Get("zmax") is not null;
        return ItemWriteSchema.BboxFields(hasZ).Select(name => map.Get(name)).ToList();
    }
}
