using StacPkg.Core.Json;
using StacPkg.Core.Stac;

namespace StacPkg.Core.GeoParquet;

/// <summary>The file-level key/value metadata of STAC GeoParquet that StacPkg writes and reads.</summary>
internal static class GeoParquetMetadata
{
    public const string GeoKey = "geo";
    public const string SchemaKindKey = "stacpkg:schema-kind";
    public const string SchemaVersionKey = "stacpkg:schema-version";
    /// <summary>JSON array of physical column paths whose values are JSON text (types conflicted across items).</summary>
    public const string JsonColumnsKey = "stacpkg:json-columns";
    /// <summary>JSON array of column names that are top-level Item fields rather than properties.</summary>
    public const string ItemFieldsKey = "stacpkg:item-fields";

    public static Dictionary<string, string> Build(ItemSchemaInference inference, ItemWriteSchema schema, IEnumerable<StacCollection> collections)
    {
        var geometry = new JsonMap
        {
            ["encoding"] = "WKB",
            ["geometry_types"] = inference.GeometryTypes.Select(t => (object?)t).ToList(),
        };
        var bounds = inference.Bounds;
        if (!bounds.IsEmpty)
        {
            geometry["bbox"] = new List<object?> { bounds.XMin, bounds.YMin, bounds.XMax, bounds.YMax };
        }
        var covering = new JsonMap();
        foreach (var name in ItemWriteSchema.BboxFields(inference.HasZBbox))
        {
            covering[name] = new List<object?> { "bbox", name };
        }
        geometry["covering"] = new JsonMap { ["bbox"] = covering };
        var geo = new JsonMap
        {
            ["version"] = "1.1.0",
            ["primary_column"] = "geometry",
            ["columns"] = new JsonMap { ["geometry"] = geometry },
        };

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [GeoKey] = JsonValueWriter.ToJson(geo, false),
            [StacGeoParquetMetadata.Key] = StacGeoParquetMetadata.Write(collections),
            [SchemaKindKey] = "items",
            [SchemaVersionKey] = "v1",
        };
        if (schema.JsonColumns.Count > 0)
        {
            metadata[JsonColumnsKey] = JsonValueWriter.ToJson(schema.JsonColumns, false);
        }
        if (inference.ItemFields.Count > 0)
        {
            metadata[ItemFieldsKey] = JsonValueWriter.ToJson(inference.ItemFields.Select(f => f.Key).ToList(), false);
        }
        return metadata;
    }
}
