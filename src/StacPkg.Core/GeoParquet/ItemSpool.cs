using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;
using StacPkg.Core.IO;
using StacPkg.Core.Json;

namespace StacPkg.Core.GeoParquet;

/// <summary>
/// Items parked on disk between the writer's two passes: the union schema is only known after the
/// last Item, and memory must not grow with the number of Items. Records are length-prefixed
/// <see cref="SpoolRecord"/>s; the file is hidden beside the target and deleted when closed.
/// </summary>
internal sealed class ItemSpool : IDisposable
{
    /// <summary>Bytes of records gathered before they are written with one call.</summary>
    private const int BlockBytes = 1 << 20;

    /// <summary>Pieces written with one call at most: the usual limit of a gathering write (IOV_MAX).</summary>
    private const int BlockPieces = 1024;

    private readonly FileStream _file;
    // Records are immutable: they are written from where they are, with their length prefixes, in
    // one gathering write per block, instead of being copied into a buffer first.
    private readonly List<ReadOnlyMemory<byte>> _pending = new();
    private byte[] _prefixes = new byte[4096];
    private int _prefixesUsed;
    private long _length;
    private long _written;

    public ItemSpool(string targetPath)
    {
        var full = Path.GetFullPath(targetPath);
        ScratchFiles.RemoveStaleBeside(full);
        var spoolPath = ScratchFiles.NewName(full, "spool");
        _file = new FileStream(spoolPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
    }

    /// <summary>Appends an Item record (kept, not copied, until it is written); returns where it starts, for <see cref="ReadRecordsAt"/>.</summary>
    public long Append(byte[] record)
    {
        if (_prefixesUsed + 4 > _prefixes.Length)
        {
            // Earlier prefixes are still pending: start a new array rather than overwrite them.
            _prefixes = new byte[_prefixes.Length];
            _prefixesUsed = 0;
        }
        var prefix = _prefixes.AsMemory(_prefixesUsed, 4);
        SpoolRecord.WriteLength(prefix.Span, record.Length);
        _prefixesUsed += 4;
        _pending.Add(prefix);
        _pending.Add(record);
        var offset = _length;
        _length += 4 + record.Length;
        if (_length - _written >= BlockBytes || _pending.Count >= BlockPieces)
        {
            Flush();
        }
        return offset;
    }

    /// <summary>Writes the records appended so far to the file.</summary>
    public void Flush()
    {
        if (_pending.Count == 0)
        {
            return;
        }
        RandomAccess.Write(_file.SafeFileHandle, _pending, _written);
        _written = _length;
        _pending.Clear();
    }

    /// <summary>
    /// Reads the records that start at <paramref name="offsets"/>, in that order, each as a segment of a
    /// reused buffer: valid only until the next one is read. Records are read in blocks of at least
    /// 1 MiB, so records that lie one after the other (input order, runs of a sort) cost one read per block.
    /// Call <see cref="Flush"/> after the last append; then safe to call from several threads at once.
    /// </summary>
    public IEnumerable<ArraySegment<byte>> ReadRecordsAt(IEnumerable<long> offsets, CancellationToken cancellationToken)
    {
        var handle = _file.SafeFileHandle;
        var buffer = new byte[BlockBytes];
        // The file bytes [start, end) are in buffer[0..].
        long start = 0, end = 0;
        foreach (var offset in offsets)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (offset < start || offset + 4 > end)
            {
                (start, end) = (offset, offset + ReadAt(handle, buffer, offset));
            }
            var length = BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan((int)(offset - start)));
            if (offset + 4 + length > end)
            {
                if (4 + length > buffer.Length)
                {
                    buffer = new byte[4 + length];
                }
                (start, end) = (offset, offset + ReadAt(handle, buffer, offset));
            }
            yield return new ArraySegment<byte>(buffer, (int)(offset - start) + 4, length);
        }
    }

    /// <summary>Fills <paramref name="buffer"/> from <paramref name="offset"/> as far as the spool goes; returns the bytes read.</summary>
    private long ReadAt(SafeFileHandle handle, byte[] buffer, long offset)
    {
        var wanted = (int)Math.Min(buffer.Length, _length - offset);
        if (wanted < 4)
        {
            throw new InvalidDataException("the spool file ends inside a record");
        }
        ReadExactlyAt(handle, buffer.AsSpan(0, wanted), offset);
        return wanted;
    }

    private static void ReadExactlyAt(SafeFileHandle handle, Span<byte> target, long offset)
    {
        while (!target.IsEmpty)
        {
            var read = RandomAccess.Read(handle, target, offset);
            if (read == 0)
            {
                throw new InvalidDataException("the spool file ends inside a record");
            }
            target = target[read..];
            offset += read;
        }
    }

    public void Dispose()
    {
        _file.Dispose();
    }
}
