using System.Text;
using Parquet;
using StacPkg.Core.GeoParquet;
using StacPkg.Core.Json;
using StacPkg.Core.Stac;

namespace StacPkg.Core.Tests.GeoParquet;

/// <summary>Collections for the Items of the fixtures, and the writing and reading around them.</summary>
internal static class CollectionFixtures
{
    /// <summary>The sample Collection of samples/local/items.ndjson, as a user would pass it.</summary>
    public static string SampleText =>
        File.ReadAllText(Path.Combine(Support.DuckDb.RepoRoot, "samples", "local", "field-samples.collection.json"));

    /// <summary>A STAC 1.1 Collection with every required field and a few optional ones.</summary>
    public static StacCollection Make(string id, string title = "A collection") => StacCollection.FromJson(new JsonMap
    {
        ["type"] = "Collection",
        ["stac_version"] = "1.1.0",
        ["id"] = id,
        ["title"] = title,
        ["description"] = $"Items of {id}",
        ["license"] = "CC-BY-4.0",
        ["extent"] = new JsonMap
        {
            ["spatial"] = new JsonMap { ["bbox"] = new List<object?> { new List<object?> { -180L, -90L, 180L, 90.5 } } },
            ["temporal"] = new JsonMap { ["interval"] = new List<object?> { new List<object?> { "2020-01-01T00:00:00Z", null } } },
        },
        ["links"] = new List<object?>(),
    });

    /// <summary>One Collection for each collection id the Items name.</summary>
    public static List<StacCollection> For(IEnumerable<StacItem> items) =>
        items.Select(i => i.Collection).OfType<string>().Distinct().Select(id => Make(id)).ToList();

    public static async Task<GeoParquetItemWriter> WriteAsync(string path, IEnumerable<StacItem> items, IReadOnlyList<StacCollection>? collections = null)
    {
        var writer = new GeoParquetItemWriter(path, new GeoParquetWriteOptions { Collections = collections ?? [] });
        await using (writer)
        {
            foreach (var item in items)
            {
                await writer.WriteAsync(item, default);
            }
            await writer.CompleteAsync(default);
        }
        return writer;
    }

    /// <summary>The file's key/value metadata, read with Parquet.Net.</summary>
    public static async Task<Dictionary<string, string>> MetadataAsync(string path)
    {
        await using var stream = File.OpenRead(path);
        await using var reader = await ParquetReader.CreateAsync(stream);
        return new Dictionary<string, string>(reader.CustomMetadata);
    }

    public static JsonMap Json(string text) => (JsonMap)JsonValueReader.Parse(Encoding.UTF8.GetBytes(text))!;
}
