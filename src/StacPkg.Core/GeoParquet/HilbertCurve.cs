namespace StacPkg.Core.GeoParquet;

/// <summary>
/// Position along a Hilbert curve filling a square grid: cells close on the curve are close on the
/// grid, so rows sorted by it keep each row group's bbox small.
/// </summary>
internal static class HilbertCurve
{
    /// <summary>Bits per axis of the lon/lat grid: cells of about 1 cm, so Items keep their order at any scale.</summary>
    public const int LonLatOrder = 32;

    /// <summary>
    /// The distance along the curve of cell (<paramref name="x"/>, <paramref name="y"/>) of a
    /// 2^<paramref name="order"/> by 2^<paramref name="order"/> grid. The curve starts at (0, 0)
    /// and ends at (2^order - 1, 0).
    /// </summary>
    public static ulong Index(uint x, uint y, int order)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(order, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(order, 32);
        var last = (uint)((1UL << order) - 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(x, last);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(y, last);
        ulong index = 0;
        for (var bit = order - 1; bit >= 0; bit--)
        {
            var half = 1U << bit;
            var right = (x & half) != 0 ? 1UL : 0;
            var up = (y & half) != 0 ? 1UL : 0;
            // Quadrants are visited lower left, upper left, upper right, lower right.
            index += (ulong)half * half * ((3 * right) ^ up);
            if (up == 0)
            {
                // The lower quadrants hold the curve turned a quarter (and mirrored on the right),
                // so turn the point the same way before descending.
                if (right == 1)
                {
                    x = last - x;
                    y = last - y;
                }
                (x, y) = (y, x);
            }
        }
        return index;
    }

    /// <summary>The index of a longitude/latitude on a <see cref="LonLatOrder"/> grid over the whole plane.</summary>
    public static ulong OfLonLat(double longitude, double latitude) =>
        Index(GridCell(longitude, -180, 360), GridCell(latitude, -90, 180), LonLatOrder);

    private static uint GridCell(double value, double start, double span)
    {
        var cell = Math.Floor((value - start) / span * 4294967296.0);
        // Out-of-range coordinates fall in the edge cells (NaN, which Items cannot hold, in the first).
        return !(cell > 0) ? 0 : cell >= uint.MaxValue ? uint.MaxValue : (uint)cell;
    }
}
