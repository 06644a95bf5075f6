using System.Collections.Concurrent;
using System.Threading.Channels;
using Parquet;
using StacPkg.Core.IO;
using StacPkg.Core.Json;
using StacPkg.Core.Stac;

namespace StacPkg.Core.GeoParquet;

/// <summary>
/// Writes Items as STAC GeoParquet, from their records (<see cref="StacItemRecord"/>): an Item that is
/// still its record is never built as objects. Items are checked as they arrive, then schema
/// inference and spooling run on a second core; <see cref="CompleteAsync"/> writes row groups from the
/// spool, in input order or, with <see cref="GeoParquetWriteOptions.SortBy"/>, through a sorted
/// (key, offset) index, into a temporary file that replaces the target only when whole. Row groups are
/// shredded on several cores at once and encoded in order, so the file does not depend on the cores.
/// </summary>
public sealed class GeoParquetItemWriter : IStacItemWriter
{
    /// <summary>Items handed between threads at once, so that the hand-over costs little per Item.</summary>
    private const int BatchSize = 64;

    /// <summary>Row groups shredded at once at most: each holds a row group's buffers (twice, while encoded).</summary>
    private const int MaxShredders = 4;

    private readonly string _path;
    private readonly GeoParquetWriteOptions _options;
    private readonly ItemSchemaInference _inference = new();
    private readonly ItemSpool _spool;
    private readonly ItemSortKeys _sortKeys;
    private readonly Channel<List<StacItemRecord>> _incoming =
        Channel.CreateBounded<List<StacItemRecord>>(new BoundedChannelOptions(16) { SingleReader = true, SingleWriter = true });
    private readonly Task _spooling;
    private readonly BatchGcScope _gc;
    private List<StacItemRecord> _batch = new(BatchSize);
    private bool _completed;
    private readonly StacCollectionSet _collections = new();
    private readonly HashSet<string> _conflicting = new(StringComparer.Ordinal);

    public GeoParquetItemWriter(string path, GeoParquetWriteOptions? options = null)
    {
        _options = options ?? GeoParquetWriteOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.RowGroupSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(_options.RowGroupSize, GeoParquetWriteOptions.MaxRowGroupSize);
        _sortKeys = new ItemSortKeys(_options.SortBy);
        foreach (var collection in _options.Collections)
        {
            if (_collections.Contains(collection.Id))
            {
                throw new ArgumentException($"the Collection '{collection.Id}' is given twice", nameof(options));
            }
            _collections.Set(collection);
        }
        _path = AtomicFile.FullPathInExistingFolder(path);
        _spool = new ItemSpool(_path);
        _spooling = Task.Run(SpoolAsync);
        _gc = new BatchGcScope();
    }

    public long Count { get; private set; }

    // Advanced by CompleteAsync on a pool thread, read by the cmdlet's thread for progress.
    private long _encoded;

    public long Encoded => Interlocked.Read(ref _encoded);

    public ConcurrentQueue<string> Warnings { get; } = new();

    /// <summary>The Collections stored in the file: the given ones, and those the Items carry (the first of each id).</summary>
    public IReadOnlyList<StacCollection> Collections => _collections.Sorted();

    public ValueTask WriteAsync(StacItem item, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_completed, this);
        return WriteAsync(item, item.ToRecord(), cancellationToken);
    }

    /// <summary>
    /// Writes <paramref name="item"/> as its <paramref name="record"/>: from here on only the record's
    /// bytes are read, so an Item that is still its record is never built as objects.
    /// </summary>
    internal async ValueTask WriteAsync(StacItem item, StacItemRecord record, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_completed, this);
        // A reader validated the geometry of a record it made; a script may have set anything.
        _inference.Check(record, item.Id, item.Collection, item.Record is null ? item.Geometry : null, Warnings.Enqueue);
        Gather(item);
        _batch.Add(record);
        Count++;
        if (_batch.Count == BatchSize)
        {
            await HandOverAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Keeps the Collection an Item carries; a given Collection of the same id wins.</summary>
    private void Gather(StacItem item)
    {
        if (item.StacCollection is not { } collection || collection.Id != item.Collection ||
            _options.Collections.Any(c => c.Id == collection.Id))
        {
            return;
        }
        if (!_collections.Add(collection) && _conflicting.Add(collection.Id))
        {
            Warnings.Enqueue($"the Items carry different documents of the Collection '{collection.Id}': the first one met is stored; give the one to store with -StacCollection");
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
                foreach (var record in batch)
                {
                    var geometry = _inference.Merge(record.Bytes);
                    var offset = _spool.Append(record.Bytes);
                    _sortKeys.Add(record.Bytes, geometry, offset);
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

        _spool.Flush();
        var rowGroups = _sortKeys.RowGroups(_options.RowGroupSize, GeoParquetWriteOptions.MaxRowGroupBytes);
        var shredders = new RowGroupShredder[Math.Clamp(Math.Min(Environment.ProcessorCount, rowGroups.Count), 1, MaxShredders)];
        for (var i = 0; i < shredders.Length; i++)
        {
            shredders[i] = new RowGroupShredder(_inference);
        }
        var schema = shredders[0].Schema;
        var timestamps = new TimestampStatistics();
        using var target = new AtomicFile(_path);
        await using (var writer = await ParquetWriter.CreateAsync(schema.Schema, target.Stream, ItemParquetOptions.For(schema, _options.Compression), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            writer.CustomMetadata = GeoParquetMetadata.Build(_inference, schema, _collections.Sorted());
            await WriteRowGroupsAsync(writer, rowGroups, shredders, timestamps, cancellationToken).ConfigureAwait(false);
        }
        timestamps.Correct(target.Stream);
        await target.CommitAsync(cancellationToken).ConfigureAwait(false);
        Interlocked.Exchange(ref _encoded, Count);
    }

    /// <summary>
    /// Shreds row group k on shredder k mod n (n - 1 of them at once, in order), on pool threads, and
    /// encodes the row groups in order on this one. A shredder starts its next row group only once
    /// its previous one is encoded, so at most n row groups are held at once.
    /// </summary>
    private async Task WriteRowGroupsAsync(ParquetWriter writer, List<ArraySegment<long>> rowGroups, RowGroupShredder[] shredders,
        TimestampStatistics timestamps, CancellationToken cancellationToken)
    {
        var shredded = rowGroups.Select(_ => new TaskCompletionSource<ColumnChunk[]>(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var encoded = rowGroups.Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        // This thread encodes: the shredders get the other cores. With two cores that is one row group
        // shredded while the one before it is encoded.
        var running = Math.Max(1, shredders.Length - 1);
        var workers = shredders.Select((shredder, first) => Task.Run(async () =>
        {
            for (var k = first; k < rowGroups.Count; k += shredders.Length)
            {
                try
                {
                    if (k >= running)
                    {
                        await shredded[k - running].Task.ConfigureAwait(false);
                    }
                    if (k >= shredders.Length)
                    {
                        await encoded[k - shredders.Length].Task.ConfigureAwait(false);
                    }
                    shredded[k].SetResult(shredder.Shred(_spool.ReadRecordsAt(rowGroups[k], cancellationToken)));
                }
                catch (Exception ex)
                {
                    shredded[k].TrySetException(ex);
                    return;
                }
            }
        })).ToArray();
        var leaves = shredders[0].Schema.Leaves;
        try
        {
            for (var k = 0; k < rowGroups.Count; k++)
            {
                var chunks = await shredded[k].Task.ConfigureAwait(false);
                timestamps.AddRowGroup(leaves.Select((leaf, i) => (leaf, chunks[i])).ToArray());
                using (var rowGroup = writer.CreateRowGroup())
                {
                    for (var i = 0; i < chunks.Length; i++)
                    {
                        await chunks[i].FlushAsync(leaves[i].Field, leaves[i].Kind, rowGroup, cancellationToken).ConfigureAwait(false);
                    }
                }
                encoded[k].SetResult();
                if (k < rowGroups.Count - 1)
                {
                    // The last row group counts once the file is whole (CompleteAsync).
                    Interlocked.Add(ref _encoded, rowGroups[k].Count);
                }
            }
        }
        finally
        {
            // A failure stops the shredders waiting for row groups that will never be encoded.
            foreach (var done in encoded)
            {
                done.TrySetCanceled(CancellationToken.None);
            }
            await Task.WhenAll(workers).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _completed = true;
        _incoming.Writer.TryComplete();
        // A failure here was already reported by WriteAsync or CompleteAsync, or nobody is waiting for the file.
        await _spooling.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        _spool.Dispose();
        _gc.Dispose();
    }
}
