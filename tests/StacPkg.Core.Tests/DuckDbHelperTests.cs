using StacPkg.Core.Tests.Support;

namespace StacPkg.Core.Tests;

/// <summary>The DuckDB helper reads a STAC GeoParquet file written by another implementation (rustac).</summary>
public class DuckDbHelperTests
{
    private static string RustacItems =>
        Fixtures.PathOf("rustac/100-sentinel-2-items.parquet");

    [SkippableFact]
    public void Reads_rustac_geoparquet_rows_and_ids()
    {
        var file = DuckDb.Literal(RustacItems);
        var rows = DuckDb.Query(
            $"SELECT count(*) AS n, count(DISTINCT id) AS ids, " +
            $"bool_and(id LIKE 'S2%_MSIL2A_%') AS s2 FROM read_parquet({file})");

        var row = Assert.Single(rows);
        Assert.Equal(100, row.GetProperty("n").GetInt64());
        Assert.Equal(100, row.GetProperty("ids").GetInt64());
        Assert.True(row.GetProperty("s2").GetBoolean());

        var id = DuckDb.Scalar(
            $"SELECT id FROM read_parquet({file}) " +
            $"WHERE id = 'S2B_MSIL2A_20241203T174629_R098_T13TDE_20241203T211406'");
        Assert.Equal("S2B_MSIL2A_20241203T174629_R098_T13TDE_20241203T211406", id.GetString());
    }

    [SkippableFact]
    public void Maps_blobs_to_hex_and_reads_file_metadata()
    {
        var file = DuckDb.Literal(RustacItems);
        // DuckDB 1.5 turns a GeoParquet geometry column into its GEOMETRY type (WKB printed as hex) ...
        var typed = Assert.Single(DuckDb.Query($"SELECT typeof(geometry) AS t, geometry FROM read_parquet({file}) LIMIT 1"));
        Assert.StartsWith("GEOMETRY", typed.GetProperty("t").GetString());
        // ... and gives the stored bytes as a BLOB with the conversion off: ISO WKB, little-endian polygon.
        var wkb = DuckDb.Scalar(
            $"SET enable_geoparquet_conversion = false; SELECT geometry FROM read_parquet({file}) LIMIT 1").GetString();
        Assert.StartsWith("0103000000", wkb);
        Assert.Equal(typed.GetProperty("geometry").GetString(), wkb);

        var keys = DuckDb.Query($"SELECT key::VARCHAR AS k FROM parquet_kv_metadata({file})")
            .Select(r => r.GetProperty("k").GetString()).ToList();
        Assert.Contains("geo", keys);
    }

    [Fact]
    public void Literal_escapes_quotes()
    {
        Assert.Equal("'it''s'", DuckDb.Literal("it's"));
    }
}
