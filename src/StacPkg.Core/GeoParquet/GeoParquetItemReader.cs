using StacPkg.Core.Stac;

namespace StacPkg.Core.GeoParquet;

/// <summary>Reads STAC GeoParquet into Items. (Being implemented: signature fixed for the cmdlets.)</summary>
public static class GeoParquetItemReader
{
    /// <summary>Streams the Items of a STAC GeoParquet file, one row group at a time.</summary>
    public static IAsyncEnumerable<StacItem> ReadAsync(string path, CancellationToken cancellationToken) =>
        throw new NotImplementedException(path);
}
