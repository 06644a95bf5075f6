using System.Collections.Concurrent;
using StacPkg.Core.IO;

namespace StacPkg.Core.Stac;

/// <summary>
/// Writes Items as one GeoJSON FeatureCollection, streamed: each Item goes out as it comes, one per
/// line inside the <c>features</c> array, so no Item is held in memory (.gz compresses).
/// </summary>
public sealed class FeatureCollectionItemWriter : IStacItemWriter
{
    private readonly AtomicTextOutput _output;
    private bool _completed;

    public FeatureCollectionItemWriter(string path)
    {
        _output = new AtomicTextOutput(path);
        _output.WriteRaw("{\"type\":\"FeatureCollection\",\"features\":["u8);
    }

    public long Count { get; private set; }

    public long Encoded => Count;

    public ConcurrentQueue<string> Warnings { get; } = new();

    public ValueTask WriteAsync(StacItem item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        ThrowIfCompleted();
        cancellationToken.ThrowIfCancellationRequested();
        var json = StacItemJson.Writable(item);
        _output.WriteRaw(Count == 0 ? "\n"u8 : ",\n"u8);
        _output.WriteValue(json);
        Count++;
        return _output.FlushIfFullAsync(cancellationToken);
    }

    public Task CompleteAsync(CancellationToken cancellationToken)
    {
        ThrowIfCompleted();
        _completed = true;
        _output.WriteRaw(Count == 0 ? "]}\n"u8 : "\n]}\n"u8);
        return _output.CommitAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => _output.DisposeAsync();

    private void ThrowIfCompleted()
    {
        if (_completed)
        {
            throw new InvalidOperationException("the writer is already complete");
        }
    }
}
