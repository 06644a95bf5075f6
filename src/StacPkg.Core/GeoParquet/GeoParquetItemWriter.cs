using System.Collections.Concurrent;
using System.Threading.Channels;
using Parquet;
using StacPkg.Core.Json;
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
            // Decoding the spool runs on another core while this one shreds and encodes.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var decoded = Channel.CreateBounded<JsonMap>(new BoundedChannelOptions(256) { SingleReader = true, SingleWriter = true });
            var producer = Task.Run(() => DecodeSpoolAsync(decoded.Writer, stop.Token), stop.Token);
            try
            {
                await foreach (var item in decoded.Reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
                {
                    schema.Shred(item);
                    if (++rows == RowGroupRows)
                    {
                        await FlushRowGroupAsync(writer, schema, stop.Token).ConfigureAwait(false);
                        rows = 0;
                    }
                }
            }
            finally
            {
                // On failure, release the decoder if it waits on a full channel.
                await stop.CancelAsync().ConfigureAwait(false);
                await producer.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            }
            if (rows > 0 || Count == 0)
            {
                await FlushRowGroupAsync(writer, schema, cancellationToken).ConfigureAwait(false);
            }
        }
        await target.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task DecodeSpoolAsync(ChannelWriter<JsonMap> decoded, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var item in _spool.ReadAll(cancellationToken))
            {
                await decoded.WriteAsync(item, cancellationToken).ConfigureAwait(false);
            }
            decoded.Complete();
        }
        catch (Exception ex)
        {
            decoded.Complete(ex);
        }
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
