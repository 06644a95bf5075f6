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
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [GeoKey] = GeoMetadata.Build(inference),
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
