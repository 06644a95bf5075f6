using System.Collections.Concurrent;
using StacPkg.Core.IO;
using StacPkg.Core.Stac;

namespace StacPkg.Core.GeoParquet;

/// <summary>
/// Writes Items as a hive-partitioned folder, <c>collection=x/year=2024/part-0.parquet</c>, each file a
/// complete STAC GeoParquet file from a <see cref="GeoParquetItemWriter"/> with the same options.
/// The folder is built under a hidden temporary name and appears whole on <see cref="CompleteAsync"/>
/// or not at all. The first partitions met, up to a limit, get a writer at once; the Items of any
/// further partition are parked on disk (<see cref="PartitionSpill"/>) and written at the end, one
/// partition after the other. So every partition is one file, and neither memory nor open files
/// grow with the number of partitions.
/// </summary>
public sealed class PartitionedItemWriter : IStacItemWriter
{
    /// <summary>
    /// Partitions with a writer of their own. Each holds a 1 MiB spool buffer, up to 1,024 Items in
    /// flight to its spooling task and an open file; beyond them Items cost a second pass through disk.
    /// </summary>
    public const int DefaultMaxOpenPartitions = 16;

    private const string PartFile = "part-0.parquet";

    private static readonly StagedDirectoryKind Kind = new("partitioned Item folder", HivePartitionFolder.IsPartitioned, message => new IOException(message));

    private readonly IReadOnlyList<ItemPartitionKey> _keys;
    private readonly GeoParquetWriteOptions? _options;
    private readonly int _maxOpen;
    private readonly StagedDirectory _directory;
    // Keyed without regard to case: folders that differ only in case are one folder on Windows and macOS.
    private readonly Dictionary<string, Partition> _partitions = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<GeoParquetItemWriter> _open = [];
    private readonly HashSet<string> _warned = new(StringComparer.Ordinal);
    private PartitionSpill? _spill;
    private GeoParquetItemWriter? _completing;
    private long _encoded;
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
        ArgumentOutOfRangeException.ThrowIfLessThan(maxOpenPartitions, 0);
        _keys = [.. keys];
        _options = options;
        _maxOpen = maxOpenPartitions;
        _directory = new StagedDirectory(folder, replace, Kind);
    }

    public long Count { get; private set; }

    public long Encoded => Interlocked.Read(ref _encoded) + (Volatile.Read(ref _completing)?.Encoded ?? 0);

    public ConcurrentQueue<string> Warnings { get; } = new();

    public async ValueTask WriteAsync(StacItem item, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_completed, this);
        var record = item.ToRecord();
        var partition = PartitionOf(item, record);
        if (partition.Writer is { } writer)
        {
            try
            {
                await writer.WriteAsync(item, record, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                ForwardWarnings(writer.Warnings);
            }
        }
        else
        {
            _spill ??= new PartitionSpill(Path.Combine(_directory.TempPath, ".spill"));
            _spill.Add(partition.Folder, item, record, Warn);
        }
        Count++;
    }

    private Partition PartitionOf(StacItem item, StacItemRecord record)
    {
        var folder = ItemPartitioning.Folder(item, record, _keys);
        if (_partitions.TryGetValue(folder, out var partition))
        {
            return string.Equals(partition.Folder, folder, StringComparison.Ordinal)
                ? partition
                : throw new StacFormatException(
                    $"its partition folder '{folder}' differs only in letter case from '{partition.Folder}' of earlier Items, and would be the same folder on Windows and macOS")
                { ItemId = item.Id };
        }
        partition = new Partition(folder);
        if (_open.Count < _maxOpen)
        {
            partition.Writer = NewWriter(folder);
            _open.Add(partition.Writer);
        }
        _partitions.Add(folder, partition);
        return partition;
    }

    private GeoParquetItemWriter NewWriter(string partition)
    {
        var folder = Path.Combine([_directory.TempPath, .. partition.Split('/')]);
        Directory.CreateDirectory(folder);
        return new GeoParquetItemWriter(Path.Combine(folder, PartFile), _options);
    }

    /// <summary>Each distinct warning once, not once per partition.</summary>
    private void Warn(string warning)
    {
        if (_warned.Add(warning))
        {
            Warnings.Enqueue(warning);
        }
    }

    private void ForwardWarnings(ConcurrentQueue<string> warnings)
    {
        while (warnings.TryDequeue(out var warning))
        {
            Warn(warning);
        }
    }

    /// <summary>Writes every partition's file, in folder order, and moves the folder into place.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        _completed = true;
        foreach (var partition in _partitions.Values.OrderBy(p => p.Folder, StringComparer.Ordinal))
        {
            if (partition.Writer is { } open)
            {
                await FinishAsync(partition, open, cancellationToken).ConfigureAwait(false);
                continue;
            }
            var writer = NewWriter(partition.Folder);
            _open.Add(writer);
            foreach (var item in _spill!.Read(partition.Folder, cancellationToken))
            {
                // Checked when parked: the writer refuses none of them.
                await writer.WriteAsync(item, cancellationToken).ConfigureAwait(false);
            }
            await FinishAsync(partition, writer, cancellationToken).ConfigureAwait(false);
        }
        cancellationToken.ThrowIfCancellationRequested();
        if (_spill is not null)
        {
            Directory.Delete(Path.Combine(_directory.TempPath, ".spill"), recursive: true);
        }
        _directory.Commit();
    }

    /// <summary>Writes the partition's file; a partition whose every Item was refused gets none.</summary>
    private async Task FinishAsync(Partition partition, GeoParquetItemWriter writer, CancellationToken cancellationToken)
    {
        try
        {
            if (writer.Count > 0)
            {
                Volatile.Write(ref _completing, writer);
                await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
                Interlocked.Add(ref _encoded, writer.Count);
            }
        }
        finally
        {
            Volatile.Write(ref _completing, null);
            partition.Writer = null;
            _open.Remove(writer);
            await writer.DisposeAsync().ConfigureAwait(false);
            ForwardWarnings(writer.Warnings);
        }
        if (writer.Count == 0)
        {
            RemoveEmptyFolders(partition.Folder);
        }
    }

    private void RemoveEmptyFolders(string partition)
    {
        var segments = partition.Split('/');
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

    /// <summary>Without a completed commit, drops the temporary folder; the target stays as it was.</summary>
    public async ValueTask DisposeAsync()
    {
        _completed = true;
        foreach (var writer in _open)
        {
            await writer.DisposeAsync().ConfigureAwait(false);
        }
        _open.Clear();
        _directory.Abandon();
    }

    private sealed class Partition(string folder)
    {
        public string Folder { get; } = folder;

        /// <summary>The partition's writer, or null when its Items are parked in the spill.</summary>
        public GeoParquetItemWriter? Writer { get; set; }
    }
}
