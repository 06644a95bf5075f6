using StacPkg.Core.GeoParquet;
using StacPkg.Core.Json;
using StacPkg.Core.Stac;
using StacPkg.Core.Tests.Support;

namespace StacPkg.Core.Tests.GeoParquet;

/// <summary>
/// The `geo` and `stac-geoparquet` metadata of every file we write validate against the specs' JSON
/// Schemas (GeoParquet 1.1, stac-geoparquet), checked by ajv: an independent validator.
/// </summary>
public sealed class GeoParquetSchemaTests : IDisposable
{
    private const string GeoSchema = "geoparquet-1.1.0.json";
    private const string StacGeoParquetSchema = "stac-geoparquet-metadata.json";

    private readonly string _dir = Directory.CreateTempSubdirectory("stacpkg-schema-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Every Item fixture (JSON, NDJSON and the Parquet files of other writers), with and without Collections.</summary>
    public static TheoryData<string, bool> Fixtures()
    {
        var data = new TheoryData<string, bool>();
        foreach (var fixture in Tests.Fixtures.ItemFiles().Concat(["stacpkg/proj-geometry-items.json", "stac-geoparquet/naip.parquet", "rustac/100-sentinel-2-items.parquet", "rustac/extended-item.parquet"]))
        {
            data.Add(fixture, false);
            data.Add(fixture, true);
        }
        return data;
    }

    private static async Task<List<StacItem>> LoadAsync(string fixture)
    {
        if (!fixture.EndsWith(".parquet", StringComparison.Ordinal))
        {
            return Tests.Fixtures.LoadItems(fixture);
        }
        var items = new List<StacItem>();
        await foreach (var item in GeoParquetItemReader.ReadAsync(Tests.Fixtures.PathOf(fixture), default))
        {
            items.Add(item);
        }
        return items;
    }

    [SkippableTheory]
    [MemberData(nameof(Fixtures))]
    public async Task Metadata_of_a_file_written_from_a_fixture_validates_against_the_spec_schemas(string fixture, bool withCollections)
    {
        var items = await LoadAsync(fixture);
        var collections = withCollections ? CollectionFixtures.For(items).Append(CollectionFixtures.Make("not-in-the-items")).ToList() : [];
        var path = Path.Combine(_dir, "items.parquet");
        await CollectionFixtures.WriteAsync(path, items, collections);

        var metadata = await CollectionFixtures.MetadataAsync(path);

        Assert.Empty(JsonSchemaValidator.Errors(GeoSchema, metadata["geo"]));
        Assert.Empty(JsonSchemaValidator.Errors(StacGeoParquetSchema, metadata["stac-geoparquet"]));
        var stac = CollectionFixtures.Json(metadata["stac-geoparquet"]);
        Assert.Equal("1.1.0", stac["version"]);
        if (withCollections)
        {
            var stored = Assert.IsType<JsonMap>(stac["collections"]);
            Assert.Equal(collections.Select(c => c.Id).Order(StringComparer.Ordinal), stored.Keys);
        }
        else
        {
            Assert.False(stac.ContainsKey("collections"));
        }
    }

    [SkippableFact]
    public void The_validator_refuses_metadata_the_specs_do_not_allow()
    {
        // Without this, an empty error list could mean a validator that accepts anything.
        Assert.NotEmpty(JsonSchemaValidator.Errors(StacGeoParquetSchema, """{"version":"2.0.0"}"""));
        Assert.NotEmpty(JsonSchemaValidator.Errors(StacGeoParquetSchema, """{"version":"1.1.0","collections":{"a":"not an object"}}"""));
        Assert.NotEmpty(JsonSchemaValidator.Errors(GeoSchema, """{"version":"1.1.0","primary_column":"geometry","columns":{"geometry":{"encoding":"WKB","geometry_types":["Polygon"],"bbox":[1,2,3]}}}"""));
        Assert.NotEmpty(JsonSchemaValidator.Errors(GeoSchema, """{"version":"1.1.0","primary_column":"geometry","columns":{"geometry":{"encoding":"WKB","geometry_types":[],"crs":{"type":"NotACrs"}}}}"""));
    }

    [SkippableFact]
    public void Both_versions_the_spec_text_allows_validate()
    {
        Assert.Empty(JsonSchemaValidator.Errors(StacGeoParquetSchema, """{"version":"1.0.0","collection":{"id":"a","type":"Collection"}}"""));
        Assert.Empty(JsonSchemaValidator.Errors(StacGeoParquetSchema, """{"version":"1.1.0","collections":{"a":{"id":"a","type":"Collection"}}}"""));
    }
}
