using System.Collections.Concurrent;
using System.Threading.Channels;
using Parquet;
using StacPkg.Core.IO;
using StacPkg.Core.Json;
using StacPkg.Core.Stac;

namespace StacPkg.Core.GeoParquet;

/// <summary>
/// Writes Items as STAC GeoParquet. Items are checked as they arrive, then schema inference and
/// spooling run on a second core; <see cref="CompleteAsync"/> writes row groups from the spool
/// (decoding on one core, shredding and encoding on the other) into a temporary file that replaces
/// the target only when whole.
/// </summary>
public sealed class GeoParquetItemWriter : IStacItemWriter
{
    /// <summary>Rows per row group: large enough for good compression, small enough to bound memory.</summary>
    internal const int RowGroupRows = 10_000;

    /// <summary>Items handed between threads at once, so that the hand-over costs little per Item.</summary>
    private const int BatchSize = 64;

    private readonly string _path;
    private readonly ItemSchemaInference _inference = new();
    private readonly ItemSpool _spool;
    private readonly Channel<List<(StacItem Item, JsonMap Json)>> _incoming =
        Channel.CreateBounded<List<(StacItem, JsonMap)>>(new BoundedChannelOptions(16) { SingleReader = true, SingleWriter = true });
    private readonly Task _spooling;
    private List<(StacItem Item, JsonMap Json)> _batch = new(BatchSize);
    private bool _completed;

    public GeoParquetItemWriter(string path)
    {
        _path = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(_path)!;
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"the folder '{directory}' does not exist");
        }
        _spool = new ItemSpool(_path);
        _spooling = Task.Run(SpoolAsync);
    }

    public long Count { get; private set; }

    public ConcurrentQueue<string> Warnings { get; } = new();

    public async ValueTask WriteAsync(StacItem item, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_completed, this);
        _inference.Check(item, Warnings.Enqueue);
        _batch.Add((item, item.ToJson()));
        Count++;
        if (_batch.Count == BatchSize)
        {
            await HandOverAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask HandOverAsync(CancellationToken cancellationToken)
    {
        if (!await _incoming.Writer.WaitToWriteAsync(cancellationToken).ConfigureAwait(false))
        {
            // The spooling task stopped early: surface its failure.
            await _spooling.ConfigureAwait(false);
        }
        await _incoming.Writer.WriteAsync(_batch, cancellationToken).ConfigureAwait(false);
        _batch = new(BatchSize);
    }

    private async Task SpoolAsync()
    {
        try
        {
            await foreach (var batch in _incoming.Reader.ReadAllAsync().ConfigureAwait(false))
            {
                foreach (var (item, json) in batch)
                {
                    _inference.Merge(item, json);
                    _spool.Append(json);
                }
            }
        }
        catch (Exception ex)
        {
            _incoming.Writer.TryComplete(ex);
            throw;
        }
    }

    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        _completed = true;
        if (_batch.Count > 0)
        {
            await HandOverAsync(cancellationToken).ConfigureAwait(false);
        }
        _incoming.Writer.Complete();
        await _spooling.ConfigureAwait(false);

        var schema = new ItemWriteSchema(_inference);
        using var target = new AtomicFile(_path);
        await using (var writer = await ParquetWriter.CreateAsync(schema.Schema, target.Stream, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            writer.CustomMetadata = GeoParquetMetadata.Build(_inference, schema);
            await WriteRowGroupsAsync(writer, schema, cancellationToken).ConfigureAwait(false);
        }
        await target.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteRowGroupsAsync(ParquetWriter writer, ItemWriteSchema schema, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var decoded = Channel.CreateBounded<List<JsonMap>>(new BoundedChannelOptions(8) { SingleReader = true, SingleWriter = true });
        var decoder = Task.Run(() => DecodeSpoolAsync(decoded.Writer, stop.Token), stop.Token);
        try
        {
            var rows = 0;
            await foreach (var batch in decoded.Reader.ReadAllAsync(stop.Token).ConfigureAwait(false))
            {
                foreach (var item in batch)
                {
                    schema.Shred(item);
                    if (++rows == RowGroupRows)
                    {
                        await FlushRowGroupAsync(writer, schema, stop.Token).ConfigureAwait(false);
                        rows = 0;
                    }
                }
            }
            if (rows > 0 || Count == 0)
            {
                await FlushRowGroupAsync(writer, schema, stop.Token).ConfigureAwait(false);
            }
        }
        finally
        {
            // On failure, release the decoder if it waits on a full channel.
            await stop.CancelAsync().ConfigureAwait(false);
            await decoder.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }
    }

    private async Task DecodeSpoolAsync(ChannelWriter<List<JsonMap>> decoded, CancellationToken cancellationToken)
    {
        try
        {
            var batch = new List<JsonMap>(BatchSize);
            foreach (var item in _spool.ReadAll(cancellationToken))
            {
                batch.Add(item);
                if (batch.Count == BatchSize)
                {
                    await decoded.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
                    batch = new List<JsonMap>(BatchSize);
                }
            }
            if (batch.Count > 0)
            {
                await decoded.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
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

    public async ValueTask DisposeAsync()
    {
        _completed = true;
        _incoming.Writer.TryComplete();
        // A failure here was already reported by WriteAsync or CompleteAsync, or nobody is waiting for the file.
        await _spooling.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        _spool.Dispose();
    }
}
