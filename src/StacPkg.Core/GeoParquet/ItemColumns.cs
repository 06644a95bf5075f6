using System.Text.Json;
using StacPkg.Core.Json;
using StacPkg.Core.Stac;

namespace StacPkg.Core.GeoParquet;

/// <summary>How the top-level columns of a STAC GeoParquet file map back onto an Item's JSON.</summary>
internal sealed class ItemColumns
{
    private readonly IReadOnlyList<ReadNode> _columns;
    private readonly HashSet<string> _itemFields = new(StringComparer.Ordinal);

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
        }
    }

    /// <summary>Assembles the next row as Item JSON.</summary>
    public JsonMap ReadItem()
    {
        var item = new JsonMap(16);
        var properties = new JsonMap();
        var extra = new JsonMap();
        JsonMap? geometryMembers = null;
        foreach (var column in _columns)
        {
            var value = column.Read();
            switch (column.Name)
            {
                case "geometry":
                    item["geometry"] = value is byte[] wkb ? GeoParquet.Wkb.Decode(wkb) : null;
                    break;
                case "bbox":
                    if (value is not null)
                    {
                        item["bbox"] = BboxList(value);
                    }
                    break;
                case GeometryMembers.Column:
                    geometryMembers = value as JsonMap;
                    break;
                case "assets" when value is JsonMap assets:
                    AssetWkbGeometries.Decode(assets);
                    item["assets"] = assets;
                    break;
                case "type" or "stac_version" or "stac_extensions" or "id" or "links" or "assets" or "collection":
                    if (value is not null)
                    {
                        item[column.Name] = value;
                    }
                    break;
                default:
                    if (value is byte[] geometryProperty)
                    {
                        // Only WKB columns keep their bytes: a geometry-valued property such as proj:geometry.
                        value = GeoParquet.Wkb.Decode(geometryProperty);
                    }
                    if (_itemFields.Contains(column.Name))
                    {
                        if (value is not null) extra[column.Name] = value;
                    }
                    else if (value is not null || column.Name == "datetime")
                    {
                        // A null datetime is meaningful (a range Item); other nulls are absent fields.
                        properties[column.Name] = value;
                    }
                    break;
            }
        }
        if (geometryMembers is not null && item.Get("geometry") is JsonMap geometry)
        {
            GeometryMembers.Restore(geometry, geometryMembers);
        }
        item.TryAdd("type", "Feature");
        item["properties"] = properties;
        foreach (var (name, value) in extra)
        {
            item[name] = value;
        }
        return item;
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
