using System.Collections.Concurrent;
using StacPkg.Core.IO;
using StacPkg.Core.Stac;

namespace StacPkg.Core.GeoParquet;

/// <summary>
/// Writes Items as a hive-partitioned folder, <c>collection=x/year=2024/part-0.parquet</c>, each file a
/// complete STAC GeoParquet file from a <see cref="GeoParquetItemWriter"/> with the same options.
/// The folder is built under a hidden temporary name and appears whole on <see cref="CompleteAsync"/>
/// or not at all. At most a fixed number of partitions have a writer open at once: when an Item
/// comes for another one, the least recently used writer finishes its file (as DuckDB does past its
/// open-file limit), and a later Item of that partition starts its next part file. Input grouped by
/// partition therefore gives one file per partition; memory never grows with the number of partitions.
/// </summary>
public sealed class PartitionedItemWriter : IStacItemWriter
{
    /// <summary>
    /// Open writers at most. Each holds a 1 MiB spool buffer, its batches in flight and an open file;
    /// 32 of them measured about 60 MB beyond a single-file export.
    /// </summary>
    public const int DefaultMaxOpenPartitions = 32;

    private static readonly StagedDirectoryKind Kind = new("partitioned Item folder", HivePartitionFolder.IsPartitioned, message => new IOException(message));

    private readonly IReadOnlyList<ItemPartitionKey> _keys;
    private readonly GeoParquetWriteOptions? _options;
    private readonly int _maxOpen;
    private readonly StagedDirectory _directory;
    // Keyed without regard to case: folders that differ only in case are one folder on Windows and macOS.
    private readonly Dictionary<string, Partition> _partitions = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<Partition> _open = [];
    private readonly HashSet<string> _warned = new(StringComparer.Ordinal);
    private GeoParquetItemWriter? _completing;
    private long _encoded;
    private long _clock;
    private bool _completed;

    /// <summary>Starts a partitioned folder at <paramref name="folder"/>, whose parent must exist.</summary>
    /// <exception cref="ArgumentException">No key, or a key twice.</exception>
    /// <exception cref="IOException">Something is at <paramref name="folder"/> and <paramref name="replace"/> is off, or it is not a partitioned folder.</exception>
    public PartitionedItemWriter(string folder, IReadOnlyList<ItemPartitionKey> keys, bool replace, GeoParquetWriteOptions? options = null, int maxOpenPartitions = DefaultMaxOpenPartitions)
    {
        if (keys.Count == 0 || keys.Distinct().Count() != keys.Count)
        {
            throw new ArgumentException($"partition keys must be given once each: {string.Join(", ", keys)}", nameof(keys));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(maxOpenPartitions, 1);
        _keys = [.. keys];
        _options = options;
        _maxOpen = maxOpenPartitions;
        _directory = new StagedDirectory(folder, replace, Kind);
    }

    /// <summary>The full path of the folder written.</summary>
    public string Target => _directory.Target;

    public long Count { get; private set; }

    public long Encoded => Interlocked.Read(ref _encoded) + (Volatile.Read(ref _completing)?.Encoded ?? 0);

    public ConcurrentQueue<string> Warnings { get; } = new();

    public async ValueTask WriteAsync(StacItem item, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_completed, this);
        var partition = PartitionOf(item);
        if (partition.Writer is null)
        {
            if (_open.Count == _maxOpen)
            {
                await CloseAsync(_open.MinBy(p => p.LastUse)!, cancellationToken).ConfigureAwait(false);
            }
            var folder = Path.Combine([_directory.TempPath, .. partition.Folder.Split('/')]);
            Directory.CreateDirectory(folder);
            partition.Writer = new GeoParquetItemWriter(Path.Combine(folder, partition.NextFile), _options);
            _open.Add(partition);
        }
        partition.LastUse = ++_clock;
        try
        {
            await partition.Writer.WriteAsync(item, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ForwardWarnings(partition.Writer);
        }
        Count++;
    }

    private Partition PartitionOf(StacItem item)
    {
        var folder = ItemPartitioning.Folder(item, _keys);
        if (!_partitions.TryGetValue(folder, out var partition))
        {
            partition = new Partition(folder);
            _partitions.Add(folder, partition);
        }
        else if (!string.Equals(partition.Folder, folder, StringComparison.Ordinal))
        {
            throw new StacFormatException(
                $"its partition folder '{folder}' differs only in letter case from '{partition.Folder}' of earlier Items, and would be the same folder on Windows and macOS")
            { ItemId = item.Id };
        }
        return partition;
    }

    /// <summary>Finishes the partition's current file; a writer that took no Item leaves no file.</summary>
    private async Task CloseAsync(Partition partition, CancellationToken cancellationToken)
    {
        var writer = partition.Writer!;
        partition.Writer = null;
        _open.Remove(partition);
        try
        {
            if (writer.Count == 0)
            {
                RemoveIfEmpty(partition);
            }
            else
            {
                Volatile.Write(ref _completing, writer);
                await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
                Interlocked.Add(ref _encoded, writer.Count);
                partition.Parts++;
            }
        }
        finally
        {
            Volatile.Write(ref _completing, null);
            await writer.DisposeAsync().ConfigureAwait(false);
            ForwardWarnings(writer);
        }
    }

    /// <summary>The folders made for a partition whose writer took no Item (it refused the only one), when nothing else is in them.</summary>
    private void RemoveIfEmpty(Partition partition)
    {
        var segments = partition.Folder.Split('/');
        for (var depth = segments.Length; depth > 0; depth--)
        {
            var folder = Path.Combine([_directory.TempPath, .. segments[..depth]]);
            if (Directory.EnumerateFileSystemEntries(folder).Any())
            {
                return;
            }
            Directory.Delete(folder);
        }
    }

    /// <summary>Each distinct warning once, not once per partition.</summary>
    private void ForwardWarnings(GeoParquetItemWriter writer)
    {
        while (writer.Warnings.TryDequeue(out var warning))
        {
            if (_warned.Add(warning))
            {
                Warnings.Enqueue(warning);
            }
        }
    }

    /// <summary>Finishes every open file, in folder order, and moves the folder into place.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        _completed = true;
        foreach (var partition in _open.OrderBy(p => p.Folder, StringComparer.Ordinal).ToList())
        {
            await CloseAsync(partition, cancellationToken).ConfigureAwait(false);
        }
        cancellationToken.ThrowIfCancellationRequested();
        _directory.Commit();
    }

    /// <summary>Without a completed commit, drops the temporary folder; the target stays as it was.</summary>
    public async ValueTask DisposeAsync()
    {
        _completed = true;
        foreach (var partition in _open)
        {
            await partition.Writer!.DisposeAsync().ConfigureAwait(false);
            partition.Writer = null;
        }
        _open.Clear();
        _directory.Abandon();
    }

    private sealed class Partition(string folder)
    {
        public string Folder { get; } = folder;
        public int Parts { get; set; }
        public long LastUse { get; set; }
        public GeoParquetItemWriter? Writer { get; set; }
        public string NextFile => $"part-{Parts}.parquet";
    }
}
