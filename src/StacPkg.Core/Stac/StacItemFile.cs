namespace StacPkg.Core.Stac;

/// <summary>Reads and writes Item files by extension. (Being implemented: signatures fixed for the cmdlets.)</summary>
public static class StacItemFile
{
    /// <summary>Streams the Items of a .json, .ndjson/.jsonl (each optionally .gz) or .parquet/.geoparquet file.</summary>
    public static IAsyncEnumerable<StacReadResult> ReadAsync(string path, CancellationToken cancellationToken) =>
        throw new NotImplementedException(path);

    /// <summary>A writer for .parquet/.geoparquet, .ndjson/.jsonl or .json (a FeatureCollection), chosen by extension.</summary>
    public static IStacItemWriter CreateWriter(string path) => throw new NotImplementedException(path);
}
