using System.Collections.Concurrent;
using StacPkg.Core.Stac;

namespace StacPkg.Core.GeoParquet;

/// <summary>Writes Items as STAC GeoParquet. (Being implemented: signature fixed for the cmdlets.)</summary>
public sealed class GeoParquetItemWriter : IStacItemWriter
{
    public GeoParquetItemWriter(string path) => throw new NotImplementedException(path);

    public long Count => 0;
    public ConcurrentQueue<string> Warnings { get; } = new();
    public ValueTask WriteAsync(StacItem item, CancellationToken cancellationToken) => throw new NotImplementedException();
    public Task CompleteAsync(CancellationToken cancellationToken) => throw new NotImplementedException();
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
