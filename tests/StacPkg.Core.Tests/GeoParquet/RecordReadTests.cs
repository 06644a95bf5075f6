using StacPkg.Core.GeoParquet;
using StacPkg.Core.Stac;
using StacPkg.Core.Tests.Support;

namespace StacPkg.Core.Tests.GeoParquet;

/// <summary>
/// Rows of STAC GeoParquet become Items that are their records, without objects; each record is
/// the one of the same Item built as objects, so what is written from it does not depend on the path.
/// </summary>
public sealed class RecordReadTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("stacpkg-recordread-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static TheoryData<string> ParquetFixtures() => new("rustac/100-sentinel-2-items.parquet", "rustac/extended-item.parquet", "stac-geoparquet/naip.parquet");

    [Theory]
    [MemberData(nameof(ParquetFixtures))]
    public async Task Rows_of_other_writers_are_records_equal_to_the_objects_they_decode_to(string fixture)
    {
        AssertRecordsOfTheirObjects(await GeoParquetRoundTripTests.ReadAsync(Fixtures.PathOf(fixture)));
    }

    // The awkward set is left out: its property names (empty, quotes, a newline) make a file Parquet.Net cannot read back.
    public static TheoryData<string> Sets() => new(Fixtures.ItemFiles().Append(LazyItems.Generated));

    [Theory]
    [MemberData(nameof(Sets))]
    public async Task Rows_we_wrote_are_records_of_the_items_written(string set)
    {
        var items = LazyItems.Eager(set);
        var file = Path.Combine(_dir, "items.parquet");
        await GeoParquetRoundTripTests.WriteAsync(file, items);

        var read = await GeoParquetRoundTripTests.ReadAsync(file);

        AssertRecordsOfTheirObjects(read);
        // A second trip gives the same records: nothing drifts between a file and its copy.
        var records = read.Select(i => i.Record!.Bytes).ToList();
        await GeoParquetRoundTripTests.WriteAsync(file, read);
        Assert.Equal(records, (await GeoParquetRoundTripTests.ReadAsync(file)).Select(i => i.Record!.Bytes));
    }

    private static void AssertRecordsOfTheirObjects(List<StacItem> items)
    {
        Assert.NotEmpty(items);
        foreach (var item in items)
        {
            var record = Assert.IsType<StacItemRecord>(item.Record);
            var built = new StacItem(record, item.Id, item.Collection);
            _ = built.Properties;
            Assert.Equal(StacItemRecord.FromItem(built).Bytes, record.Bytes);
            Assert.Equal(item.Collection, built.Collection);
        }
    }
}
