using System.Text;
using System.Text.Json;
using Parquet;
using StacPkg.Core.GeoParquet;
using StacPkg.Core.Json;
using StacPkg.Core.Stac;
using StacPkg.Core.Tests.Support;
using static StacPkg.Core.Tests.GeometryFixtures;

namespace StacPkg.Core.Tests.GeoParquet;

/// <summary>
/// Geometry-valued properties (proj:geometry) are WKB columns listed in the <c>geo</c> metadata and
/// come back as the same GeoJSON; a property that is a geometry in some Items and anything else in
/// others stays JSON text; geometries inside assets stay structs; Z geometries give a 6-number bbox.
/// </summary>
public sealed class GeometryPropertiesTests : IDisposable
{
    private const string Fixture = "stacpkg/proj-geometry-items.json";
    private const string ProjGeometry = "proj:geometry";

    private readonly string _dir = Directory.CreateTempSubdirectory("stacpkg-geomprops-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<(string Path, List<JsonMap> Json)> WriteFixtureAsync()
    {
        var json = Fixtures.LoadItemJson(Fixture);
        var path = await GeoParquetRoundTripTests.WriteAsync(Path.Combine(_dir, "proj.parquet"), json.Select(StacItem.FromJson));
        return (path, json);
    }

    private static async Task<Dictionary<string, string>> MetadataAsync(string path)
    {
        await using var reader = await ParquetReader.CreateAsync(path);
        return new Dictionary<string, string>(reader.CustomMetadata);
    }

    private static JsonMap GeoColumns(Dictionary<string, string> metadata) =>
        (JsonMap)((JsonMap)JsonValueReader.Parse(Encoding.UTF8.GetBytes(metadata["geo"]))!)["columns"]!;

    private static JsonMap? PropertyGeometry(JsonMap item) => ((JsonMap)item["properties"]!).Get(ProjGeometry) as JsonMap;

    [Fact]
    public async Task Proj_geometry_comes_back_as_the_same_geojson()
    {
        var (path, json) = await WriteFixtureAsync();

        var back = await GeoParquetRoundTripTests.ReadAsync(path);

        Assert.Equal(json.Count, back.Count);
        for (var i = 0; i < json.Count; i++)
        {
            JsonAssert.ItemsEqual(json[i], back[i].ToJson());
            if (PropertyGeometry(json[i]) is { } expected)
            {
                AssertSameGeometry(expected, Assert.IsType<JsonMap>(back[i].Properties[ProjGeometry]));
            }
            else
            {
                // A null proj:geometry is a null in the WKB column and comes back absent, as any null property.
                Assert.False(back[i].Properties.ContainsKey(ProjGeometry));
            }
        }
        Assert.Equal(3, back.Count(i => i.Properties.ContainsKey(ProjGeometry)));
    }

    [Fact]
    public async Task Proj_geometry_is_listed_in_the_geo_metadata_with_its_types_bbox_and_an_unknown_crs()
    {
        var (path, json) = await WriteFixtureAsync();

        var metadata = await MetadataAsync(path);
        var column = Assert.IsType<JsonMap>(GeoColumns(metadata)[ProjGeometry]);

        Assert.Equal("WKB", column["encoding"]);
        Assert.Equal(new List<object?> { "MultiPolygon", "Polygon", "Polygon Z" }, column["geometry_types"]);
        // "crs": null says unknown (each Item's proj:code); a missing crs would claim OGC:CRS84.
        Assert.True(column.ContainsKey("crs"));
        Assert.Null(column["crs"]);
        var geometries = json.Select(PropertyGeometry).OfType<JsonMap>().ToList();
        Assert.Equal(Extent(geometries), Numbers(column["bbox"]));
        Assert.DoesNotContain(ProjGeometry, metadata.GetValueOrDefault(GeoParquetMetadata.JsonColumnsKey) ?? "");
    }

    [SkippableFact]
    public async Task DuckDB_sees_proj_geometry_as_a_wkb_blob_and_as_a_geometry_column()
    {
        DuckDb.RequireAvailable();
        var (path, json) = await WriteFixtureAsync();
        var file = DuckDb.Literal(path);

        var physical = DuckDb.Query($"SELECT type FROM parquet_schema({file}) WHERE name = '{ProjGeometry}' AND type IS NOT NULL");
        Assert.Equal("BYTE_ARRAY", Assert.Single(physical).GetProperty("type").GetString());
        var raw = DuckDb.Query($"SET enable_geoparquet_conversion = false; SELECT column_type FROM (DESCRIBE SELECT * FROM read_parquet({file})) WHERE column_name = '{ProjGeometry}'");
        Assert.Equal("BLOB", Assert.Single(raw).GetProperty("column_type").GetString());
        // With its default GeoParquet conversion DuckDB takes the column for a geometry: the geo metadata lists it.
        var converted = DuckDb.Query($"SELECT column_type FROM (DESCRIBE SELECT * FROM read_parquet({file})) WHERE column_name = '{ProjGeometry}'");
        Assert.Equal("GEOMETRY", Assert.Single(converted).GetProperty("column_type").GetString());
        var listed = DuckDb.Scalar($"SELECT decode(value) FROM parquet_kv_metadata({file}) WHERE decode(key) = 'geo'").GetString()!;
        using (var geo = JsonDocument.Parse(listed))
        {
            Assert.Equal("WKB", geo.RootElement.GetProperty("columns").GetProperty(ProjGeometry).GetProperty("encoding").GetString());
        }

        var rows = DuckDb.Query($"SET enable_geoparquet_conversion = false; SELECT id, hex(\"{ProjGeometry}\") AS wkb FROM read_parquet({file})");
        var wkt = DuckDb.Query($"SELECT ST_AsText(\"{ProjGeometry}\") AS wkt FROM read_parquet({file})");
        Assert.Equal(json.Count, rows.Count);
        for (var i = 0; i < json.Count; i++)
        {
            Assert.Equal(json[i]["id"], rows[i].GetProperty("id").GetString());
            var hex = rows[i].GetProperty("wkb");
            if (PropertyGeometry(json[i]) is { } expected)
            {
                AssertSameGeometry(expected, Wkb.Decode(Convert.FromHexString(hex.GetString()!)));
                Assert.StartsWith(((string)expected["type"]!).ToUpperInvariant(), wkt[i].GetProperty("wkt").GetString());
            }
            else
            {
                Assert.Equal(JsonValueKind.Null, hex.ValueKind);
            }
        }
        Assert.StartsWith("POLYGON Z ((628000 5345000 150,", wkt[2].GetProperty("wkt").GetString());
    }

    [SkippableFact]
    public async Task Geometries_inside_assets_stay_structs_and_come_back()
    {
        DuckDb.RequireAvailable();
        var (path, json) = await WriteFixtureAsync();

        var type = DuckDb.Query($"SELECT column_type FROM (DESCRIBE SELECT assets.data.\"{ProjGeometry}\" AS g FROM read_parquet({DuckDb.Literal(path)}))");
        Assert.StartsWith("STRUCT(\"type\" VARCHAR, coordinates ", Assert.Single(type).GetProperty("column_type").GetString());
        Assert.False(GeoColumns(await MetadataAsync(path)).ContainsKey($"assets.data.{ProjGeometry}"));

        var back = await GeoParquetRoundTripTests.ReadAsync(path);
        var expected = (JsonMap)((JsonMap)((JsonMap)json[0]["assets"]!)["data"]!)[ProjGeometry]!;
        var asset = back[0].ToJson();
        JsonAssert.Equal(expected, ((JsonMap)((JsonMap)asset["assets"]!)["data"]!)[ProjGeometry]);
    }

    public static TheoryData<string> NotWkbValues() => new(
        "42",
        "\"POLYGON ((0 0, 1 0, 1 1, 0 0))\"",
        // Invalid: a ring of three positions.
        """{"type":"Polygon","coordinates":[[[0,0],[1,1],[0,0]]]}""",
        // Valid GeoJSON that WKB cannot hold exactly: a bbox member, 4 coordinates, an integer beyond 2^53.
        """{"type":"Point","coordinates":[1,2],"bbox":[1,2,1,2]}""",
        """{"type":"Point","coordinates":[1,2,3,4]}""",
        """{"type":"Point","coordinates":[9007199254740993,2]}""",
        """{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2],"id":"p"}]}""",
        """{"kind":"footprint","area":12.5}""",
        """[1,2]""");

    [Theory]
    [MemberData(nameof(NotWkbValues))]
    public async Task A_property_that_is_a_geometry_in_some_items_and_another_value_in_others_keeps_every_value_as_json_text(string other)
    {
        var geometry = Map("""{"type":"Polygon","coordinates":[[[0,0],[4,0],[4,4],[0,0]]]}""");
        var otherValue = JsonValueReader.Parse(Encoding.UTF8.GetBytes(other));
        // Both orders: the outcome must not depend on which value the writer meets first.
        foreach (var (first, second) in new[] { ((object?)geometry, otherValue), (otherValue, geometry) })
        {
            var a = GeoParquetRoundTripTests.Item("a", new JsonMap { ["datetime"] = "2020-01-01T00:00:00Z", [ProjGeometry] = first });
            var b = GeoParquetRoundTripTests.Item("b", new JsonMap { ["datetime"] = "2020-01-01T00:00:00Z", [ProjGeometry] = second });
            var path = await GeoParquetRoundTripTests.WriteAsync(Path.Combine(_dir, "mixed.parquet"), [a, b]);

            var back = await GeoParquetRoundTripTests.ReadAsync(path);

            JsonAssert.ItemsEqual(a.ToJson(), back[0].ToJson());
            JsonAssert.ItemsEqual(b.ToJson(), back[1].ToJson());
            var metadata = await MetadataAsync(path);
            Assert.False(GeoColumns(metadata).ContainsKey(ProjGeometry));
            Assert.Contains($"[\"{ProjGeometry}\"]", metadata[GeoParquetMetadata.JsonColumnsKey]);
        }
    }

    [Fact]
    public async Task Every_geometry_type_round_trips_through_a_wkb_property_column()
    {
        string[] geometries =
        [
            """{"type":"Point","coordinates":[1,2]}""",
            """{"type":"Point","coordinates":[]}""",
            """{"type":"LineString","coordinates":[[1,2],[3,4.5]]}""",
            """{"type":"MultiPoint","coordinates":[[1,2],[3,4]]}""",
            """{"type":"MultiLineString","coordinates":[[[1,2],[3,4]],[]]}""",
            """{"type":"Polygon","coordinates":[]}""",
            """{"type":"MultiPolygon","coordinates":[[[[0,0,1],[1,0,2],[1,1,3],[0,0,1]]]]}""",
            """{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]},{"type":"GeometryCollection","geometries":[]}]}""",
        ];
        var items = geometries.Select((g, i) => GeoParquetRoundTripTests.Item($"g{i}", new JsonMap { ["datetime"] = "2020-01-01T00:00:00Z", ["footprint"] = Map(g) })).ToList();
        var path = await GeoParquetRoundTripTests.WriteAsync(Path.Combine(_dir, "types.parquet"), items);

        var back = await GeoParquetRoundTripTests.ReadAsync(path);

        for (var i = 0; i < items.Count; i++)
        {
            JsonAssert.ItemsEqual(items[i].ToJson(), back[i].ToJson());
        }
        var column = (JsonMap)GeoColumns(await MetadataAsync(path))["footprint"]!;
        Assert.Equal(
            new List<object?> { "GeometryCollection", "LineString", "MultiLineString", "MultiPoint", "MultiPolygon Z", "Point", "Polygon" },
            column["geometry_types"]);
    }

    [Fact]
    public async Task Z_geometries_give_a_six_number_file_bbox_in_geoparquet_order_and_Z_types()
    {
        var (path, json) = await WriteFixtureAsync();

        var geometry = (JsonMap)GeoColumns(await MetadataAsync(path))["geometry"]!;

        Assert.Equal(new List<object?> { "MultiPolygon", "Polygon", "Polygon Z" }, geometry["geometry_types"]);
        var bbox = Numbers(geometry["bbox"]);
        Assert.Equal(Extent(json.Select(i => (JsonMap)i["geometry"]!)), bbox);
        Assert.Equal([16.0, 48.0, 150.0, 16.875, 48.3125, 180.0], bbox);
    }

    [SkippableFact]
    public async Task WKB_property_and_asset_geometries_from_another_writer_read_as_GeoJSON_and_unlisted_blobs_as_before()
    {
        DuckDb.RequireAvailable();
        var point = Map("""{"type":"Point","coordinates":[10,20]}""");
        var footprint = Map("""{"type":"Polygon","coordinates":[[[500000,4000000],[500100,4000000],[500100,4000100],[500000,4000000]]]}""");
        // As stac-geoparquet (Python) writes it: a proj:geometry BLOB listed in geo with "crs": null.
        const string geo = """{"version":"1.1.0","primary_column":"geometry","columns":{"geometry":{"encoding":"WKB","geometry_types":["Point"]},"proj:geometry":{"encoding":"WKB","geometry_types":[],"crs":null}}}""";
        var path = Path.Combine(_dir, "foreign.parquet");
        DuckDb.Query(
            "COPY (SELECT 'Feature' AS type, '1.1.0' AS stac_version, 'f1' AS id, " +
            $"from_hex('{Convert.ToHexString(Wkb.Encode(point))}') AS geometry, " +
            "{'xmin': 10.0, 'ymin': 20.0, 'xmax': 10.0, 'ymax': 20.0} AS bbox, " +
            // stac-geoparquet (Python) also writes an asset's proj:geometry as WKB, inside the assets struct.
            $"{{'data': {{'href': 'https://example.com/f1.tif', '{ProjGeometry}': from_hex('{Convert.ToHexString(Wkb.Encode(footprint))}')}}}} AS assets, " +
            "TIMESTAMPTZ '2024-01-01 00:00:00+00' AS datetime, " +
            $"from_hex('{Convert.ToHexString(Wkb.Encode(footprint))}') AS \"{ProjGeometry}\", " +
            "from_hex('CAFE') AS checksum) " +
            $"TO {DuckDb.Literal(path)} (FORMAT parquet, KV_METADATA {{geo: {DuckDb.Literal(geo)}}}); SELECT 1 AS done");

        var item = Assert.Single(await GeoParquetRoundTripTests.ReadAsync(path));

        AssertSameGeometry(point, item.Geometry!);
        AssertSameGeometry(footprint, Assert.IsType<JsonMap>(item.Properties[ProjGeometry]));
        Assert.Equal(Convert.ToBase64String([0xCA, 0xFE]), item.Properties["checksum"]);
        Assert.Equal("https://example.com/f1.tif", item.Assets["data"].Href);
        var asset = (JsonMap)((JsonMap)item.ToJson()["assets"]!)["data"]!;
        AssertSameGeometry(footprint, Assert.IsType<JsonMap>(asset[ProjGeometry]));
    }

    /// <summary>A JSON array of numbers (integers read as long) as doubles.</summary>
    private static double[] Numbers(object? array) => ((List<object?>)array!).Select(Convert.ToDouble).ToArray();

    /// <summary>The GeoParquet bbox of geometries, computed here from their coordinates.</summary>
    private static double[] Extent(IEnumerable<JsonMap> geometries)
    {
        var positions = new List<List<object?>>();
        void Walk(object? value)
        {
            if (value is List<object?> list)
            {
                if (list.Count > 0 && list[0] is long or double) positions.Add(list);
                else list.ForEach(Walk);
            }
        }
        foreach (var geometry in geometries) Walk(geometry["coordinates"]);
        double Min(int axis) => positions.Where(p => p.Count > axis).Min(p => Convert.ToDouble(p[axis]));
        double Max(int axis) => positions.Where(p => p.Count > axis).Max(p => Convert.ToDouble(p[axis]));
        return positions.Any(p => p.Count == 3)
            ? [Min(0), Min(1), Min(2), Max(0), Max(1), Max(2)]
            : [Min(0), Min(1), Max(0), Max(1)];
    }
}
