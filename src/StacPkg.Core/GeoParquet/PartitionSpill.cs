using System.Buffers.Binary;
using StacPkg.Core.Json;
using StacPkg.Core.Stac;

namespace StacPkg.Core.GeoParquet;

/// <summary>
/// The Items of partitions beyond the open-writer limit, parked on disk, one file per partition,
/// until their GeoParquet files are written one after the other. Records are length-prefixed
/// <see cref="BinaryJson"/>; they are buffered in memory up to a budget shared by all partitions
/// and then appended to their files, so neither memory nor open files grow with the partitions.
/// </summary>
internal sealed class PartitionSpill
{
    /// <summary>Bytes buffered across all partitions before they go to disk.</summary>
    public const int BudgetBytes = 16 << 20;

    private readonly string _folder;
    private readonly Dictionary<string, Parked> _partitions = new(StringComparer.Ordinal);
    private readonly KeyCache _keys = new();
    private long _buffered;

    /// <param name="folder">A folder of the run's own, created here, removed with the run's temporary folder.</param>
    public PartitionSpill(string folder)
    {
        _folder = folder;
        Directory.CreateDirectory(folder);
    }

    /// <summary>
    /// Parks the Item, refusing it as the partition's GeoParquet writer would and as reading it back
    /// would, so that writing the partition later refuses nothing.
    /// </summary>
    /// <exception cref="StacFormatException">The Item cannot be written; nothing of it was taken.</exception>
    public void Add(string partition, StacItem item, StacItemRecord record, Action<string> warn)
    {
        if (!_partitions.TryGetValue(partition, out var parked))
        {
            parked = new Parked(Path.Combine(_folder, $"{_partitions.Count}.spill"));
            _partitions.Add(partition, parked);
        }
        if (item.Record is null)
        {
            // A record a reader made is of a valid Item; one made from objects a script built may not be.
            StacItem.FromJson(record.ToJsonMap(_keys));
        }
        parked.Check.Check(record, item.Id, item.Collection, item.Record is null ? item.Geometry : null, warn);

        _buffered += SpoolRecord.Write(parked.Buffer, record.Bytes);
        if (_buffered > BudgetBytes)
        {
            Flush();
        }
    }

    private void Flush()
    {
        foreach (var parked in _partitions.Values)
        {
            parked.Flush();
        }
        _buffered = 0;
    }

    /// <summary>The partitions parked here.</summary>
    public IEnumerable<string> Partitions => _partitions.Keys;

    /// <summary>The partition's Items in the order they were parked; its file is removed once read.</summary>
    public IEnumerable<StacItem> Read(string partition, CancellationToken cancellationToken)
    {
        var parked = _partitions[partition];
        parked.Flush();
        if (!File.Exists(parked.File))
        {
            // Every Item of the partition was refused.
            yield break;
        }
        using var file = new FileStream(parked.File, FileMode.Open, FileAccess.Read, FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.SequentialScan);
        var length = new byte[4];
        while (file.ReadAtLeast(length, 4, throwOnEndOfStream: false) == 4)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var record = new byte[BinaryPrimitives.ReadInt32LittleEndian(length)];
            file.ReadExactly(record);
            // Parked records were checked: they come back as Items that are their records.
            yield return new StacItem(new StacItemRecord(record),
                ItemRecordMembers.String(record, BinaryJson.FindMember(record, 0, "id"u8))!,
                ItemRecordMembers.String(record, BinaryJson.FindMember(record, 0, "collection"u8)));
        }
    }

    private sealed class Parked(string file)
    {
        public string File { get; } = file;

        /// <summary>The partition's own name checks, as its writer will make them.</summary>
        public ItemSchemaInference Check { get; } = new();

        public MemoryStream Buffer { get; private set; } = new();

        public void Flush()
        {
            if (Buffer.Length == 0)
            {
                return;
            }
            using (var stream = new FileStream(File, FileMode.Append, FileAccess.Write, FileShare.None, 1))
            {
                Buffer.WriteTo(stream);
            }
            // A new buffer, not a cleared one: the memory of a partition that stops growing is given back.
            Buffer = new MemoryStream();
        }
    }
}
