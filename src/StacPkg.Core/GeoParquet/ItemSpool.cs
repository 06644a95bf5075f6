using System.Text.Json;
using StacPkg.Core.Json;

namespace StacPkg.Core.GeoParquet;

/// <summary>
/// Items parked on disk as compact JSON lines between the writer's two passes: the union schema
/// is only known after the last Item, and memory must not grow with the number of Items.
/// The file is hidden beside the target and deleted when closed.
/// </summary>
internal sealed class ItemSpool : IDisposable
{
    private readonly FileStream _file;
    private readonly BufferedStream _buffered;
    private readonly Utf8JsonWriter _json;

    public ItemSpool(string targetPath)
    {
        var full = Path.GetFullPath(targetPath);
        var spoolPath = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.spool");
        _file = new FileStream(spoolPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        _buffered = new BufferedStream(_file, 1 << 20);
        _json = new Utf8JsonWriter(_buffered, JsonValueWriter.CompactOptions);
    }

    public void Append(JsonMap item)
    {
        JsonValueWriter.Write(_json, item);
        _json.Flush();
        _json.Reset();
        _buffered.WriteByte((byte)'\n');
    }

    /// <summary>Reads the Items back in the order they were appended.</summary>
    public IEnumerable<JsonMap> ReadAll(CancellationToken cancellationToken)
    {
        _buffered.Flush();
        _file.Position = 0;
        var buffer = new byte[1 << 20];
        int start = 0, end = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var item = (JsonMap)JsonValueReader.Parse(buffer.AsSpan(start, newline))!;
                start += newline + 1;
                yield return item;
                continue;
            }
            // Keep the partial line, growing the buffer for lines longer than it.
            Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
            if (end == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }
            var read = _file.Read(buffer, end, buffer.Length - end);
            if (read == 0)
            {
                yield break;
            }
            end += read;
        }
    }

    public void Dispose()
    {
        _json.Dispose();
        _buffered.Dispose();
        _file.Dispose();
    }
}
