using System.Collections.Concurrent;
using Parquet;
using StacPkg.Core.IO;
using StacPkg.Core.Stac;

namespace StacPkg.Core.GeoParquet;

/// <summary>
/// Writes Items as STAC GeoParquet. Items are checked and spooled as they arrive while the union
/// schema is inferred; <see cref="CompleteAsync"/> then writes row groups from the spool into a
/// temporary file that replaces the target only when whole.
/// </summary>
public sealed class GeoParquetItemWriter : IStacItemWriter
{
    /// <summary>Rows per row group: large enough for good compression, small enough to bound memory.</summary>
    internal const int RowGroupRows = 10_000;

    private readonly string _path;
    private readonly ItemSchemaInference _inference = new();
    private readonly ItemSpool _spool;

    public GeoParquetItemWriter(string path)
    {
        _path = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(_path)!;
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"the folder '{directory}' does not exist");
        }
        _spool = new ItemSpool(_path);
    }

    public long Count { get; private set; }

    public ConcurrentQueue<string> Warnings { get; } = new();

    public ValueTask WriteAsync(StacItem item, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var json = item.ToJson();
        _inference.Observe(item, json, Warnings.Enqueue);
        _spool.Append(json);
        Count++;
        return ValueTask.CompletedTask;
    }

    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        var schema = new ItemWriteSchema(_inference);
        using var target = new AtomicFile(_path);
        await using (var writer = await ParquetWriter.CreateAsync(schema.Schema, target.Stream, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            writer.CustomMetadata = GeoParquetMetadata.Build(_inference, schema);
            var rows = 0;
            foreach (var item in _spool.ReadAll(cancellationToken))
            {
                schema.Shred(item);
                if (++rows == RowGroupRows)
                {
                    await FlushRowGroupAsync(writer, schema, cancellationToken).ConfigureAwait(false);
                    rows = 0;
                }
            }
            if (rows > 0 || Count == 0)
            {
                await FlushRowGroupAsync(writer, schema, cancellationToken).ConfigureAwait(false);
            }
        }
        await target.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task FlushRowGroupAsync(ParquetWriter writer, ItemWriteSchema schema, CancellationToken cancellationToken)
    {
        using var rowGroup = writer.CreateRowGroup();
        foreach (var leaf in schema.Leaves)
        {
            await leaf.FlushAsync(rowGroup, cancellationToken).ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync()
    {
        _spool.Dispose();
        return ValueTask.CompletedTask;
    }
}
