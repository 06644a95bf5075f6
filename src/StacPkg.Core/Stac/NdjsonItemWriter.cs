using System.Collections.Concurrent;
using StacPkg.Core.IO;

namespace StacPkg.Core.Stac;

/// <summary>Writes Items as NDJSON: one compact Item per line, UTF-8 without BOM, "\n" line ends (.gz compresses).</summary>
public sealed class NdjsonItemWriter : IStacItemWriter
{
    private readonly AtomicTextOutput _output;
    private bool _completed;

    public NdjsonItemWriter(string path) => _output = new AtomicTextOutput(path);

    public long Count { get; private set; }

    public long Encoded => Count;

    public ConcurrentQueue<string> Warnings { get; } = new();

    public ValueTask WriteAsync(StacItem item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        ThrowIfCompleted();
        cancellationToken.ThrowIfCancellationRequested();
        _output.WriteValue(StacItemJson.Writable(item));
        _output.WriteRaw("\n"u8);
        Count++;
        return _output.FlushIfFullAsync(cancellationToken);
    }

    public Task CompleteAsync(CancellationToken cancellationToken)
    {
        ThrowIfCompleted();
        _completed = true;
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
