using System.Globalization;
using StacPkg.Core.GeoParquet;
using StacPkg.Core.Stac;
using StacPkg.Core.Tests.Support;

namespace StacPkg.Core.Tests.GeoParquet;

/// <summary>
/// A sorted file lets readers skip row groups: a one-day or small-area query overlaps the
/// [min, max] statistics of a small fraction of them, and still counts every matching Item.
/// The same Items in input order overlap nearly all, so the fraction is the sort's doing.
/// </summary>
public sealed class RowGroupPruningTests : IDisposable
{
    private const int ItemCount = 16_000;
    private const int RowGroupSize = 500;
    private const string Utc = "SET TimeZone = 'UTC'; ";
    private static readonly DateTimeOffset Year = new(2023, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Day = new(2023, 6, 15, 0, 0, 0, TimeSpan.Zero);

    // A 5 by 5 degree query window.
    private const double West = 10, East = 15, South = 42, North = 47;

    private readonly string _dir = Directory.CreateTempSubdirectory("stacpkg-prune-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Items spread over a year and the whole map, in random order; every fifth a range Item.</summary>
    private static readonly Lazy<List<(StacItem Item, DateTimeOffset Time, double Lon, double Lat)>> Items = new(() =>
    {
        var random = new Random(2023);
        var items = new List<(StacItem, DateTimeOffset, double, double)>(ItemCount);
        for (var i = 0; i < ItemCount; i++)
        {
            var time = Year.AddSeconds(random.Next(365 * 86_400));
            var (lon, lat) = (random.NextDouble() * 358 - 179, random.NextDouble() * 160 - 80);
            items.Add((SyntheticItems.At($"item-{i:D5}", time, lon, lat, range: i % 5 == 0), time, lon, lat));
        }
        return items;
    });

    private async Task<string> WriteAsync(ItemSortOrder order) =>
        await SyntheticItems.WriteAsync(Path.Combine(_dir, $"{order}.parquet"), Items.Value.Select(i => i.Item),
            new GeoParquetWriteOptions { SortBy = order, RowGroupSize = RowGroupSize });

    /// <summary>(row groups whose datetime statistics overlap the day, all row groups).</summary>
    private static (long Hit, long Total) DayOverlap(string file)
    {
        var row = DuckDb.Query($"""
            {Utc}SELECT count(*) FILTER (WHERE stats_min_value::TIMESTAMPTZ < TIMESTAMPTZ '{Day.AddDays(1):yyyy-MM-dd} 00:00:00+00'
                                         AND stats_max_value::TIMESTAMPTZ >= TIMESTAMPTZ '{Day:yyyy-MM-dd} 00:00:00+00') AS hit,
                   count(*) AS total
            FROM parquet_metadata({DuckDb.Literal(file)}) WHERE path_in_schema = 'datetime'
            """)[0];
        return (row.GetProperty("hit").GetInt64(), row.GetProperty("total").GetInt64());
    }

    /// <summary>(row groups whose bbox covering statistics overlap the window, all row groups).</summary>
    private static (long Hit, long Total) WindowOverlap(string file)
    {
        string Bound(string aggregate, string column, string stat) =>
            $"{aggregate}(CASE WHEN path_in_schema = 'bbox, {column}' THEN stats_{stat}_value::DOUBLE END)";
        var row = DuckDb.Query($"""
            SELECT count(*) FILTER (WHERE xmin <= {Num(East)} AND xmax >= {Num(West)} AND ymin <= {Num(North)} AND ymax >= {Num(South)}) AS hit,
                   count(*) AS total
            FROM (SELECT row_group_id, {Bound("min", "xmin", "min")} AS xmin, {Bound("max", "xmax", "max")} AS xmax,
                         {Bound("min", "ymin", "min")} AS ymin, {Bound("max", "ymax", "max")} AS ymax
                  FROM parquet_metadata({DuckDb.Literal(file)}) GROUP BY row_group_id)
            """)[0];
        return (row.GetProperty("hit").GetInt64(), row.GetProperty("total").GetInt64());
    }

    private static string Num(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    [SkippableFact]
    public async Task A_one_day_query_on_a_datetime_sorted_file_overlaps_few_row_groups_and_counts_every_Item()
    {
        DuckDb.RequireAvailable();
        var sorted = await WriteAsync(ItemSortOrder.Datetime);
        var unsorted = await WriteAsync(ItemSortOrder.None);

        var (hit, total) = DayOverlap(sorted);
        Assert.Equal(ItemCount / RowGroupSize, total);
        Assert.True(hit >= 1 && hit <= total / 10, $"the day overlaps {hit} of {total} row groups of the sorted file");
        var (unsortedHit, _) = DayOverlap(unsorted);
        Assert.True(unsortedHit >= total * 9 / 10, $"the day overlaps only {unsortedHit} of {total} row groups in input order");

        var expected = Items.Value.Count(i => i.Item.Datetime is { } t && t >= Day && t < Day.AddDays(1));
        Assert.InRange(expected, 20, 80);
        var count = DuckDb.Scalar($"""
            {Utc}SELECT count(*) FROM read_parquet({DuckDb.Literal(sorted)})
            WHERE datetime >= TIMESTAMPTZ '{Day:yyyy-MM-dd} 00:00:00+00' AND datetime < TIMESTAMPTZ '{Day.AddDays(1):yyyy-MM-dd} 00:00:00+00'
            """).GetInt64();
        Assert.Equal(expected, count);
    }

    [SkippableFact]
    public async Task A_small_window_on_a_Hilbert_sorted_file_overlaps_few_row_groups_and_counts_every_Item()
    {
        DuckDb.RequireAvailable();
        var sorted = await WriteAsync(ItemSortOrder.Hilbert);
        var unsorted = await WriteAsync(ItemSortOrder.None);

        var (hit, total) = WindowOverlap(sorted);
        Assert.Equal(ItemCount / RowGroupSize, total);
        Assert.True(hit >= 1 && hit <= total / 8, $"the window overlaps {hit} of {total} row groups of the sorted file");
        var (unsortedHit, _) = WindowOverlap(unsorted);
        Assert.True(unsortedHit >= total * 9 / 10, $"the window overlaps only {unsortedHit} of {total} row groups in input order");

        var expected = Items.Value.Count(i => i.Item.Bbox is { } b && b[0] <= East && b[2] >= West && b[1] <= North && b[3] >= South);
        Assert.InRange(expected, 1, 20);
        var count = DuckDb.Scalar($"""
            SELECT count(*) FROM read_parquet({DuckDb.Literal(sorted)})
            WHERE bbox.xmin <= {Num(East)} AND bbox.xmax >= {Num(West)} AND bbox.ymin <= {Num(North)} AND bbox.ymax >= {Num(South)}
            """).GetInt64();
        Assert.Equal(expected, count);
    }
}
