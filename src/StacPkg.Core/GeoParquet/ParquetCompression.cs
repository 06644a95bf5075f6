namespace StacPkg.Core.GeoParquet;

/// <summary>The page codecs StacPkg writes; every Parquet reader reads all three.</summary>
public enum ParquetCompression
{
    Zstd,
    Snappy,
    None,
}
