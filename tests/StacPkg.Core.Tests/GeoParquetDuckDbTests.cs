using System.Text.Json;
using StacPkg.Core.GeoParquet;
using StacPkg.Core.Json;
using StacPkg.Core.Stac;
using StacPkg.Core.Tests.Support;

namespace StacPkg.Core.Tests;

/// <summary>Files we write, read by an independent Parquet reader (DuckDB).</summary>
public sealed class GeoParquetDuckDbTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("stacpkg-duckdb-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<(string Literal, List<StacItem> Items)> WriteAllFixturesAsync()
    {
        DuckDb.RequireAvailable();
        var items = Fixtures.ItemFiles()
            .Where(f => !f.Contains("items.ndjson", StringComparison.Ordinal) && !f.Contains("item-collection", StringComparison.Ordinal))
            .SelectMany(Fixtures.LoadItems).ToList();
        var path = await GeoParquetRoundTripTests.WriteAsync(Path.Combine(_dir, "all.parquet"), items);
        return (DuckDb.Literal(path), items);
    }

    [SkippableFact]
    public async Task DuckDB_reads_row_count_ids_and_wkb_of_a_mixed_collection_file()
    {
        var (file, items) = await WriteAllFixturesAsync();

        var rows = DuckDb.Query($"SET enable_geoparquet_conversion = false; SELECT id, hex(geometry) AS wkb FROM read_parquet({file})");

        Assert.Equal(items.Count, rows.Count);
        Assert.Equal(items.Select(i => i.Id), rows.Select(r => r.GetProperty("id").GetString()));
        for (var i = 0; i < items.Count; i++)
        {
            Assert.Equal(Convert.ToHexString(Wkb.Encode(items[i].Geometry!)), rows[i].GetProperty("wkb").GetString(), ignoreCase: true);
        }
    }

    [SkippableFact]
    public async Task DuckDB_sees_typed_properties_bbox_struct_assets_and_timestamps()
    {
        var (file, items) = await WriteAllFixturesAsync();

        var types = DuckDb.Query($"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet({file}))")
            .ToDictionary(r => r.GetProperty("column_name").GetString()!, r => r.GetProperty("column_type").GetString()!);
        Assert.Equal("TIMESTAMP WITH TIME ZONE", types["datetime"]);
        Assert.StartsWith("STRUCT(xmin DOUBLE, ymin DOUBLE, zmin DOUBLE, xmax DOUBLE, ymax DOUBLE, zmax DOUBLE)", types["bbox"]);
        Assert.Equal("VARCHAR[]", types["stac_extensions"]);
        Assert.Equal("DOUBLE", types["eo:cloud_cover"]);
        Assert.StartsWith("STRUCT(", types["assets"]);
        Assert.StartsWith("STRUCT(", types["links"]);
        Assert.EndsWith("[]", types["links"]);

        var s2 = items.First(i => i.Collection == "sentinel-2-l2a");
        var row = Assert.Single(DuckDb.Query(
            $"SELECT \"eo:cloud_cover\" AS cc, bbox.xmin AS xmin, assets.visual.href AS href, datetime, len(links) AS links " +
            $"FROM read_parquet({file}) WHERE id = '{s2.Id}'"));
        Assert.Equal(Convert.ToDouble(s2.Properties["eo:cloud_cover"]), row.GetProperty("cc").GetDouble());
        Assert.Equal(s2.Bbox![0], row.GetProperty("xmin").GetDouble());
        Assert.Equal(s2.Assets["visual"].Href, row.GetProperty("href").GetString());
        Assert.Equal(s2.Datetime!.Value, DateTimeOffset.Parse(row.GetProperty("datetime").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(s2.Links.Count, row.GetProperty("links").GetInt32());
    }

    [SkippableFact]
    public async Task DuckDB_reads_conflicting_types_as_json_text_and_the_geo_metadata()
    {
        DuckDb.RequireAvailable();
        var a = GeoParquetRoundTripTests.Item("a", new JsonMap { ["datetime"] = "2020-01-01T00:00:00Z", ["code"] = "x1" });
        var b = GeoParquetRoundTripTests.Item("b", new JsonMap { ["datetime"] = "2020-01-01T00:00:00Z", ["code"] = 42L });
        var file = DuckDb.Literal(await GeoParquetRoundTripTests.WriteAsync(Path.Combine(_dir, "c.parquet"), [a, b]));

        var codes = DuckDb.Query($"SELECT code FROM read_parquet({file}) ORDER BY id").Select(r => r.GetProperty("code").GetString()).ToList();
        Assert.Equal(["\"x1\"", "42"], codes);

        var geo = DuckDb.Scalar($"SELECT decode(value) FROM parquet_kv_metadata({file}) WHERE decode(key) = 'geo'").GetString()!;
        using var doc = JsonDocument.Parse(geo);
        Assert.Equal("1.1.0", doc.RootElement.GetProperty("version").GetString());
        Assert.Equal("Point", doc.RootElement.GetProperty("columns").GetProperty("geometry").GetProperty("geometry_types")[0].GetString());
    }
}
