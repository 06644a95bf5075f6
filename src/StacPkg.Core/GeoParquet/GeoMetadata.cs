using System.Text.Json;
using StacPkg.Core.Json;

namespace StacPkg.Core.GeoParquet;

/// <summary>
/// The GeoParquet 1.1 <c>geo</c> file metadata: the primary <c>geometry</c> column with its bbox
/// covering, and every geometry-valued property column (such as <c>proj:geometry</c>) stored as WKB.
/// </summary>
internal static class GeoMetadata
{
    public const string PrimaryColumn = "geometry";

    public static string Build(ItemSchemaInference inference)
    {
        var geometry = inference.Geometry.ToMetadata();
        var covering = new JsonMap();
        foreach (var name in ItemWriteSchema.BboxFields(inference.HasZBbox))
        {
            covering[name] = new List<object?> { "bbox", name };
        }
        geometry["covering"] = new JsonMap { ["bbox"] = covering };
        var columns = new JsonMap { [PrimaryColumn] = geometry };
        foreach (var (name, extent) in inference.GeometryProperties)
        {
            var column = extent.ToMetadata();
            // Not OGC:CRS84, which a missing "crs" would claim: proj:geometry is in each Item's own
            // projection (proj:code), which can differ from row to row, so the column's CRS is unknown.
            column["crs"] = null;
            columns[name] = column;
        }
        var geo = new JsonMap
        {
            ["version"] = "1.1.0",
            ["primary_column"] = PrimaryColumn,
            ["columns"] = columns,
        };
        return JsonValueWriter.ToJson(geo, false);
    }

    /// <summary>
    /// Top-level columns whose values are WKB: the primary geometry column (also in files whose
    /// metadata is missing or unreadable) and every column the <c>geo</c> metadata lists as WKB.
    /// </summary>
    public static HashSet<string> WkbColumns(IReadOnlyDictionary<string, string> metadata)
    {
        var names = new HashSet<string>(StringComparer.Ordinal) { PrimaryColumn };
        if (!metadata.TryGetValue(GeoParquetMetadata.GeoKey, out var text))
        {
            return names;
        }
        try
        {
            using var geo = JsonDocument.Parse(text);
            if (geo.RootElement.ValueKind == JsonValueKind.Object
                && geo.RootElement.TryGetProperty("columns", out var columns)
                && columns.ValueKind == JsonValueKind.Object)
            {
                foreach (var column in columns.EnumerateObject())
                {
                    if (column.Value.ValueKind == JsonValueKind.Object
                        && column.Value.TryGetProperty("encoding", out var encoding)
                        && string.Equals(encoding.ValueKind == JsonValueKind.String ? encoding.GetString() : null, "WKB", StringComparison.OrdinalIgnoreCase))
                    {
                        names.Add(column.Name);
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Files from other writers read as before when their geo metadata is not JSON.
        }
        return names;
    }
}
