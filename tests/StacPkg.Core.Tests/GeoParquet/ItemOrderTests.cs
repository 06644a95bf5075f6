using StacPkg.Core.GeoParquet;
using StacPkg.Core.Stac;

namespace StacPkg.Core.Tests.GeoParquet;

/// <summary>-SortBy: the rows come out in the promised order, whole, and the same bytes every time.</summary>
public sealed class ItemOrderTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2023, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly string _dir = Directory.CreateTempSubdirectory("stacpkg-order-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>One Item at the centre of each cell of a 4 by 4 grid over the whole lon/lat plane, in a shuffled order.</summary>
    private static List<StacItem> GridItems()
    {
        var cells = HilbertCurveTests.Order2.ToArray();
        new Random(7).Shuffle(cells);
        return cells.Select(c => SyntheticItems.At($"cell-{c.X}-{c.Y}", Start, -180 + (c.X + 0.5) * 90, -90 + (c.Y + 0.5) * 45)).ToList();
    }

    private async Task<List<string>> WriteAndReadIdsAsync(IEnumerable<StacItem> items, GeoParquetWriteOptions options)
    {
        var path = await SyntheticItems.WriteAsync(Path.Combine(_dir, $"{Guid.NewGuid():N}.parquet"), items, options);
        return (await GeoParquetRoundTripTests.ReadAsync(path)).Select(i => i.Id).ToList();
    }

    [Fact]
    public async Task Hilbert_order_follows_the_curve_over_the_bbox_centres()
    {
        var items = GridItems();
        var withoutLocation = SyntheticItems.At("nowhere", Start, 0, 0);
        withoutLocation.Geometry = null;
        withoutLocation.Bbox = null;
        items.Insert(3, withoutLocation);

        var ids = await WriteAndReadIdsAsync(items, new GeoParquetWriteOptions { SortBy = ItemSortOrder.Hilbert, RowGroupSize = 5 });

        var expected = HilbertCurveTests.Order2.Select(c => $"cell-{c.X}-{c.Y}").Append("nowhere").ToList();
        Assert.Equal(expected, ids);
        Assert.NotEqual(items.Select(i => i.Id), ids);
    }

    [Fact]
    public async Task Without_a_bbox_the_geometry_places_the_Item()
    {
        var items = GridItems();
        foreach (var item in items)
        {
            item.Bbox = null;
        }

        var ids = await WriteAndReadIdsAsync(items, new GeoParquetWriteOptions { SortBy = ItemSortOrder.Hilbert });

        Assert.Equal(HilbertCurveTests.Order2.Select(c => $"cell-{c.X}-{c.Y}"), ids);
    }

    [Fact]
    public async Task A_bbox_across_the_antimeridian_is_placed_at_its_centre()
    {
        // Centred on 180 (the last cell of the curve), not on 0 as the mean of its x would be: there
        // it would tie with "middle" and, coming first in the input, stay before it.
        var across = SyntheticItems.At("across", Start, 0, -60);
        across.Bbox = [170, -61, -170, -59];
        var west = SyntheticItems.At("west", Start, -170, -60);
        var middle = SyntheticItems.At("middle", Start, 0, -60);

        var ids = await WriteAndReadIdsAsync([across, middle, west], new GeoParquetWriteOptions { SortBy = ItemSortOrder.Hilbert });

        Assert.Equal(["west", "middle", "across"], ids);
    }

    [Fact]
    public async Task Datetime_order_uses_start_datetime_for_ranges_and_keeps_the_input_order_of_equal_times()
    {
        var random = new Random(11);
        var items = new List<(StacItem Item, DateTimeOffset Key, int Index)>();
        for (var i = 0; i < 400; i++)
        {
            // Whole hours over 10 days: many Items share a time.
            var time = Start.AddHours(random.Next(240));
            var item = SyntheticItems.At($"item-{i:D4}", time, random.NextDouble() * 360 - 180, random.NextDouble() * 160 - 80, range: i % 5 == 0);
            items.Add((item, time, i));
        }

        var ids = await WriteAndReadIdsAsync(items.Select(i => i.Item), new GeoParquetWriteOptions { SortBy = ItemSortOrder.Datetime, RowGroupSize = 64 });

        // OrderBy is stable: equal times keep the input order.
        Assert.Equal(items.OrderBy(i => i.Key).Select(i => i.Item.Id), ids);
    }

    [Theory]
    [InlineData(ItemSortOrder.Hilbert)]
    [InlineData(ItemSortOrder.Datetime)]
    public async Task Sorted_output_is_byte_reproducible(ItemSortOrder order)
    {
        var random = new Random(3);
        var items = Enumerable.Range(0, 300)
            .Select(i => SyntheticItems.At($"item-{i}", Start.AddMinutes(random.Next(1000)), random.NextDouble() * 360 - 180, random.NextDouble() * 160 - 80))
            .ToList();
        var options = new GeoParquetWriteOptions { SortBy = order, RowGroupSize = 50 };

        var first = await SyntheticItems.WriteAsync(Path.Combine(_dir, "first.parquet"), items, options);
        var second = await SyntheticItems.WriteAsync(Path.Combine(_dir, "second.parquet"), items, options);

        Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
        var back = await GeoParquetRoundTripTests.ReadAsync(first);
        Assert.Equal(items.Select(i => i.Id).Order(StringComparer.Ordinal), back.Select(i => i.Id).Order(StringComparer.Ordinal));
        Assert.NotEqual(items.Select(i => i.Id), back.Select(i => i.Id));
    }
}
