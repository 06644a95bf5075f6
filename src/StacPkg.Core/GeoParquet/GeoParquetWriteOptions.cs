using StacPkg.Core.Stac;

namespace StacPkg.Core.GeoParquet;

/// <summary>How a <see cref="GeoParquetItemWriter"/> lays out its file.</summary>
public sealed record GeoParquetWriteOptions
{
    public static GeoParquetWriteOptions Default { get; } = new();

    /// <summary>Rows per row group: large enough for good compression, small enough to bound memory.</summary>
    public const int DefaultRowGroupSize = 10_000;

    /// <summary>
    /// The largest row group accepted: Parquet.Net encodes a column chunk as one page in memory, so
    /// the writer's memory grows with it.
    /// </summary>
    public const int MaxRowGroupSize = 1_000_000;

    /// <summary>
    /// A row group also ends once its Items take this many bytes in the spool, however few they
    /// are: a row group is held in memory twice over while encoded, so large Items (or a sort that
    /// brings the largest together) would otherwise grow memory with the Items' size.
    /// </summary>
    public const long MaxRowGroupBytes = 128L << 20;

    /// <summary>The codec of every data and dictionary page.</summary>
    public ParquetCompression Compression { get; init; } = ParquetCompression.Zstd;

    /// <summary>Rows per row group, 1 to <see cref="MaxRowGroupSize"/>.</summary>
    public int RowGroupSize { get; init; } = DefaultRowGroupSize;

    /// <summary>The order of the rows.</summary>
    public ItemSortOrder SortBy { get; init; } = ItemSortOrder.None;

    /// <summary>
    /// STAC Collections stored in the file's <c>stac-geoparquet</c> metadata, keyed by id (ids must
    /// be distinct). They win over a Collection of the same id that the Items carry (<see cref="StacItem.StacCollection"/>).
    /// </summary>
    public IReadOnlyList<StacCollection> Collections { get; init; } = [];
}
