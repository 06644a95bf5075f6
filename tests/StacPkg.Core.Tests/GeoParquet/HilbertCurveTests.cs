using StacPkg.Core.GeoParquet;

namespace StacPkg.Core.Tests.GeoParquet;

public sealed class HilbertCurveTests
{
    /// <summary>The 4 by 4 Hilbert curve (quadrants lower left, upper left, upper right, lower right): (x, y) of the cells in curve order.</summary>
    internal static readonly (uint X, uint Y)[] Order2 =
    [
        (0, 0), (1, 0), (1, 1), (0, 1), (0, 2), (0, 3), (1, 3), (1, 2),
        (2, 2), (2, 3), (3, 3), (3, 2), (3, 1), (2, 1), (2, 0), (3, 0),
    ];

    [Fact]
    public void Order_2_matches_the_known_curve()
    {
        for (var d = 0; d < Order2.Length; d++)
        {
            Assert.Equal((ulong)d, HilbertCurve.Index(Order2[d].X, Order2[d].Y, 2));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    public void Every_cell_has_its_own_index_and_consecutive_indices_are_neighbours(int order)
    {
        var side = 1u << order;
        var cells = new (uint X, uint Y)[side * side];
        var seen = new bool[cells.Length];
        for (uint x = 0; x < side; x++)
        {
            for (uint y = 0; y < side; y++)
            {
                var d = HilbertCurve.Index(x, y, order);
                Assert.InRange(d, 0UL, (ulong)cells.Length - 1);
                Assert.False(seen[d], $"index {d} given twice");
                seen[d] = true;
                cells[d] = (x, y);
            }
        }
        Assert.Equal((0u, 0u), cells[0]);
        Assert.Equal((side - 1, 0u), cells[^1]);
        for (var d = 1; d < cells.Length; d++)
        {
            var step = Math.Abs((int)cells[d].X - (int)cells[d - 1].X) + Math.Abs((int)cells[d].Y - (int)cells[d - 1].Y);
            Assert.True(step == 1, $"cells {d - 1} {cells[d - 1]} and {d} {cells[d]} are not neighbours");
        }
    }

    [Fact]
    public void The_lon_lat_grid_spans_the_whole_plane_and_clamps_outside_it()
    {
        Assert.Equal(0UL, HilbertCurve.OfLonLat(-180, -90));
        Assert.Equal(0UL, HilbertCurve.OfLonLat(-200, -100));
        // The last cell of the curve is the lower right corner.
        Assert.Equal(ulong.MaxValue, HilbertCurve.OfLonLat(180, -90));
        Assert.Equal(HilbertCurve.OfLonLat(180, -90), HilbertCurve.OfLonLat(190, -95));
        // The 32-bit grid's top two bits of each axis are the 4 by 4 curve: the first 4 bits of the index.
        for (var d = 0; d < Order2.Length; d++)
        {
            var (x, y) = Order2[d];
            var index = HilbertCurve.OfLonLat(-180 + (x + 0.5) * 90, -90 + (y + 0.5) * 45);
            Assert.Equal((ulong)d, index >> 60);
        }
    }

    [Fact]
    public void Out_of_range_arguments_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => HilbertCurve.Index(4, 0, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => HilbertCurve.Index(0, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => HilbertCurve.Index(0, 0, 33));
    }
}
