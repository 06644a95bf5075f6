using System.Globalization;
using StacPkg.Core.GeoParquet;
using StacPkg.Core.Json;
using StacPkg.Core.Stac;

namespace StacPkg.Core.Tests.GeoParquet;

/// <summary>
/// Real-shaped Items built in code from a NAIP fixture Item, each with its own id, time and a small
/// square footprint, for tests that need many Items with known times and places.
/// </summary>
internal static class SyntheticItems
{
    private static readonly byte[] Template = System.Text.Encoding.UTF8.GetBytes(
        JsonValueWriter.ToJson(Fixtures.LoadItemJson("stac-geoparquet/naip-pc.json")[0], indented: false));

    /// <summary>
    /// An Item <paramref name="id"/> at <paramref name="datetime"/> (or, when
    /// <paramref name="range"/>, null datetime with that start and an end a day later), whose bbox
    /// is a square of <paramref name="size"/> degrees centred on (<paramref name="lon"/>, <paramref name="lat"/>).
    /// </summary>
    public static StacItem At(string id, DateTimeOffset datetime, double lon, double lat, double size = 0.01, bool range = false)
    {
        var json = (JsonMap)JsonValueReader.Parse(Template)!;
        json["id"] = id;
        var properties = (JsonMap)json["properties"]!;
        var text = datetime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        if (range)
        {
            properties["datetime"] = null;
            properties["start_datetime"] = text;
            properties["end_datetime"] = datetime.AddDays(1).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        }
        else
        {
            properties["datetime"] = text;
        }
        var (xmin, ymin, xmax, ymax) = (lon - size / 2, lat - size / 2, lon + size / 2, lat + size / 2);
        json["bbox"] = new List<object?> { xmin, ymin, xmax, ymax };
        json["geometry"] = new JsonMap
        {
            ["type"] = "Polygon",
            ["coordinates"] = new List<object?>
            {
                new List<object?>
                {
                    new List<object?> { xmin, ymin }, new List<object?> { xmax, ymin }, new List<object?> { xmax, ymax },
                    new List<object?> { xmin, ymax }, new List<object?> { xmin, ymin },
                },
            },
        };
        return StacItem.FromJson(json);
    }

    /// <summary>Writes <paramref name="items"/> to <paramref name="path"/> with <paramref name="options"/>.</summary>
    public static async Task<string> WriteAsync(string path, IEnumerable<StacItem> items, GeoParquetWriteOptions options)
    {
        await using var writer = new GeoParquetItemWriter(path, options);
        foreach (var item in items)
        {
            await writer.WriteAsync(item, default);
        }
        await writer.CompleteAsync(default);
        return path;
    }
}
