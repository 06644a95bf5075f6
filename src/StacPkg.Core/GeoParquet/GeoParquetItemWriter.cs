using System.Collections.Concurrent;
using System.Threading.Channels;
using Parquet;
using StacPkg.Core.IO;
using StacPkg.Core.Json;
using StacPkg.Core.Stac;

namespace StacPkg.Core.GeoParquet;

/// <summary>
/// Writes Items as STAC GeoParquet. Items are checked as they arrive, then schema inference and
/// spooling run on a second core; <see cref="CompleteAsync"/> writes row groups from the spool, in
/// input order or, with <see cref="GeoParquetWriteOptions.SortBy"/>, through a sorted (key, offset)
/// index (shredding one row group on one core while the previous one is encoded on the other) into a temporary file that replaces
/// the target only when whole.
/// </summary>
public sealed class GeoParquetItemWriter : IStacItemWriter
{
    /// <summary>Items handed between threads at once, so that the hand-over costs little per Item.</summary>
    private const int BatchSize = 64;

    private readonly string _path;
    private readonly GeoParquetWriteOptions _options;
    private readonly ItemSchemaInference _inference = new();
    private readonly ItemSpool _spool;
    private readonly ItemSortKeys? _sortKeys;
    private readonly Channel<List<(StacItemRecord Record, JsonMap? Geometry)>> _incoming =
        Channel.CreateBounded<List<(StacItemRecord, JsonMap?)>>(new BoundedChannelOptions(16) { SingleReader = true, SingleWriter = true });
    private readonly Task _spooling;
    private readonly BatchGcScope _gc;
    private List<(StacItemRecord Record, JsonMap? Geometry)> _batch = new(BatchSize);
    private bool _completed;
    private readonly StacCollectionSet _collections = new();
    private readonly HashSet<string> _conflicting = new(StringComparer.Ordinal);

    public GeoParquetItemWriter(string path, GeoParquetWriteOptions? options = null)
    {
        _options = options ?? GeoParquetWriteOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.RowGroupSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(_options.RowGroupSize, GeoParquetWriteOptions.MaxRowGroupSize);
        _sortKeys = _options.SortBy == ItemSortOrder.None ? null : new ItemSortKeys(_options.SortBy);
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
        var geometry = _inference.Check(record, item.Id, Warnings.Enqueue);
        Gather(item);
        _batch.Add((record, geometry));
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
                foreach (var (record, geometry) in batch)
                {
                    _inference.Merge(record.Bytes, geometry);
                    var offset = _spool.Append(record.Bytes);
                    _sortKeys?.Add(record.Bytes, geometry, offset);
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
        var timestamps = new TimestampStatistics();
        using var target = new AtomicFile(_path);
        await using (var writer = await ParquetWriter.CreateAsync(schema.Schema, target.Stream, ItemParquetOptions.For(schema, _options.Compression), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            writer.CustomMetadata = GeoParquetMetadata.Build(_inference, schema, _collections.Sorted());
            await WriteRowGroupsAsync(writer, schema, timestamps, cancellationToken).ConfigureAwait(false);
        }
        timestamps.Correct(target.Stream);
        await target.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Shreds the spooled Items into row groups. Each full row group is encoded on another core
    /// while the next one is shredded into the leaves' spare buffers.
    /// </summary>
    private async Task WriteRowGroupsAsync(ParquetWriter writer, ItemWriteSchema schema, TimestampStatistics timestamps, CancellationToken cancellationToken)
    {
        var context = new ShredContext();
        var spareStrings = new CharArena();
        var encoding = Task.CompletedTask;
        var rows = 0;
        long bytes = 0;
        try
        {
            var records = _sortKeys is null
                ? _spool.ReadRecords(cancellationToken)
                : _spool.ReadRecordsAt(_sortKeys.SortedOffsets(), cancellationToken);
            foreach (var record in records)
            {
                schema.ShredRecord(record, context);
                bytes += record.Count;
                if (++rows == _options.RowGroupSize || bytes >= GeoParquetWriteOptions.MaxRowGroupBytes)
                {
                    Interlocked.Add(ref _encoded, rows);
                    await encoding.ConfigureAwait(false);
                    // The encoded row group's text is free again: shred the next one into it.
                    spareStrings.Reset();
                    (context.Strings, spareStrings) = (spareStrings, context.Strings);
                    encoding = EncodeRowGroupAsync(writer, schema, timestamps, cancellationToken);
                    rows = 0;
                    bytes = 0;
                }
            }
            await encoding.ConfigureAwait(false);
            if (rows > 0 || Count == 0)
            {
                await EncodeRowGroupAsync(writer, schema, timestamps, cancellationToken).ConfigureAwait(false);
                Interlocked.Add(ref _encoded, rows);
            }
        }
        finally
        {
            // Never leave an encoding task running against a writer that is about to be disposed.
            await encoding.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }
    }

    private static Task EncodeRowGroupAsync(ParquetWriter writer, ItemWriteSchema schema, TimestampStatistics timestamps, CancellationToken cancellationToken)
    {
        var chunks = schema.Leaves.Select(leaf => (leaf, chunk: leaf.TakeChunk())).ToArray();
        timestamps.AddRowGroup(chunks);
        return Task.Run(async () =>
        {
            using var rowGroup = writer.CreateRowGroup();
            foreach (var (leaf, chunk) in chunks)
            {
                await chunk.FlushAsync(leaf.Field, leaf.Kind, rowGroup, cancellationToken).ConfigureAwait(false);
            }
        }, cancellationToken);
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
