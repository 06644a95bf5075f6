using System.Text;
using System.Text.Json;
using Parquet;
using StacPkg.Core.Json;
using StacPkg.Core.Stac;

namespace StacPkg.Core.GeoParquet;

/// <summary>
/// The <c>stac-geoparquet</c> file metadata: the spec version and the Collections of the Items.
/// Writes version 1.1.0 with a <c>collections</c> map; reads 1.1.0, 1.0.0, files without a version,
/// and the deprecated singular <c>collection</c>.
/// </summary>
public static class StacGeoParquetMetadata
{
    public const string Key = "stac-geoparquet";
    public const string Version = "1.1.0";

    /// <summary>The metadata value: the Collections keyed by id in ordinal order, so the same Collections give the same bytes.</summary>
    internal static string Write(IEnumerable<StacCollection> collections)
    {
        var map = new JsonMap { ["version"] = Version };
        var sorted = collections.OrderBy(c => c.Id, StringComparer.Ordinal).ToList();
        if (sorted.Count > 0)
        {
            var byId = new JsonMap(sorted.Count);
            foreach (var collection in sorted)
            {
                byId[collection.Id] = collection.Json;
            }
            map["collections"] = byId;
        }
        return JsonValueWriter.ToJson(map, indented: false);
    }

    /// <summary>
    /// The Collections in a file's key/value metadata, sorted by id, and what could not be read as
    /// one (each problem names the key and the Collection). No metadata means no Collections.
    /// </summary>
    public static StacCollectionRead Read(IReadOnlyDictionary<string, string>? metadata)
    {
        if (metadata is null || !metadata.TryGetValue(Key, out var text))
        {
            return new StacCollectionRead([], []);
        }
        JsonMap root;
        try
        {
            root = JsonValueReader.Parse(Encoding.UTF8.GetBytes(text)) as JsonMap
                ?? throw new JsonException("it is not a JSON object");
        }
        catch (JsonException ex)
        {
            return new StacCollectionRead([], [$"the '{Key}' metadata is not valid JSON: {ex.Message}"]);
        }
        var found = new SortedDictionary<string, StacCollection>(StringComparer.Ordinal);
        var problems = new List<string>();
        switch (root.Get("collections"))
        {
            case null:
                break;
            case JsonMap collections:
                foreach (var (key, value) in collections)
                {
                    if (Take(value, $"'{Key}' collections['{key}']", problems) is not { } collection)
                    {
                        continue;
                    }
                    if (collection.Id != key)
                    {
                        problems.Add($"'{Key}' collections['{key}'] holds Collection '{collection.Id}': the key must be the Collection's id");
                        continue;
                    }
                    found[key] = collection;
                }
                break;
            default:
                problems.Add($"'{Key}' collections is not a JSON object");
                break;
        }
        // The deprecated singular form (spec 1.0.0) counts as one more Collection; the map wins on the same id.
        if (root.ContainsKey("collection") && Take(root.Get("collection"), $"'{Key}' collection", problems) is { } single)
        {
            found.TryAdd(single.Id, single);
        }
        return new StacCollectionRead([.. found.Values], problems);
    }

    private static StacCollection? Take(object? value, string where, List<string> problems)
    {
        if (value is not JsonMap map)
        {
            problems.Add($"{where} is not a JSON object");
            return null;
        }
        try
        {
            return StacCollection.FromJson(map);
        }
        catch (StacFormatException ex)
        {
            problems.Add($"{where}: {ex.Reason}");
            return null;
        }
    }

    /// <summary>Reads the Collections from the footer of a Parquet file, without reading its rows.</summary>
    /// <exception cref="StacFormatException">The file is not readable Parquet; the message names it.</exception>
    public static async Task<StacCollectionRead> ReadAsync(string path, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        await using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
        try
        {
            await using var reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            return Read(reader.CustomMetadata);
        }
        catch (Exception ex) when (ParquetDamage.IsDamage(ex))
        {
            throw new StacFormatException(ParquetDamage.Reason("reading the footer", ex), ex) { InputName = full };
        }
    }
}
