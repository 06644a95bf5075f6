using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;
using StacPkg.Core.IO;
using StacPkg.Core.Json;

namespace StacPkg.Core.GeoParquet;

/// <summary>
/// Items parked on disk between the writer's two passes: the union schema is only known after the
/// last Item, and memory must not grow with the number of Items. Records are length-prefixed
/// <see cref="BinaryJson"/>; the file is hidden beside the target and deleted when closed.
/// </summary>
internal sealed class ItemSpool : IDisposable
{
    private readonly FileStream _file;
    private readonly BufferedStream _buffered;
    private readonly BinaryJsonBuffer _record = new();
    private long _length;

    public ItemSpool(string targetPath)
    {
        var full = Path.GetFullPath(targetPath);
        ScratchFiles.RemoveStaleBeside(full);
        var spoolPath = ScratchFiles.NewName(full, "spool");
        _file = new FileStream(spoolPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        _buffered = new BufferedStream(_file, 1 << 20);
    }

    /// <summary>Appends an Item; returns where its record starts, for <see cref="ReadRecordsAt"/>.</summary>
    public long Append(JsonMap item)
    {
        var offset = _length;
        _length += SpoolRecord.Write(_buffered, _record, item);
        return offset;
    }

    /// <summary>
    /// Reads the records back in the order they were appended, each as a segment of a reused
    /// buffer: valid only until the next one is read.
    /// </summary>
    public IEnumerable<ArraySegment<byte>> ReadRecords(CancellationToken cancellationToken)
    {
        _buffered.Flush();
        _file.Position = 0;
        var buffer = new byte[1 << 20];
        int start = 0, end = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (end - start >= 4)
            {
                var length = BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(start));
                if (end - start - 4 >= length)
                {
                    start += 4 + length;
                    yield return new ArraySegment<byte>(buffer, start - length, length);
                    continue;
                }
                if (length + 4 > buffer.Length)
                {
                    Array.Resize(ref buffer, length + 4);
                }
            }
            // Keep the partial record at the front and fill the rest.
            Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
            var read = _file.Read(buffer, end, buffer.Length - end);
            if (read == 0)
            {
                if (end != 0)
                {
                    throw new InvalidDataException("the spool file ends inside a record");
                }
                yield break;
            }
            end += read;
        }
    }

    /// <summary>
    /// Reads the records that start at <paramref name="offsets"/>, in that order, each as a segment of a
    /// reused buffer: valid only until the next one is read.
    /// </summary>
    public IEnumerable<ArraySegment<byte>> ReadRecordsAt(IEnumerable<long> offsets, CancellationToken cancellationToken)
    {
        _buffered.Flush();
        var handle = _file.SafeFileHandle;
        var buffer = new byte[1 << 16];
        foreach (var offset in offsets)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ReadExactlyAt(handle, buffer.AsSpan(0, 4), offset);
            var length = BinaryPrimitives.ReadInt32LittleEndian(buffer);
            if (length > buffer.Length)
            {
                buffer = new byte[length];
            }
            ReadExactlyAt(handle, buffer.AsSpan(0, length), offset + 4);
            yield return new ArraySegment<byte>(buffer, 0, length);
        }
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
        _buffered.Dispose();
        _file.Dispose();
    }
}
