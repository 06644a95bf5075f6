using System.Text;

namespace StacPkg.Core.GeoParquet;

/// <summary>
/// Text of one row group's string values, decoded into a few large reused blocks instead of one
/// string per value: Parquet.Net takes <see cref="ReadOnlyMemory{T}"/> slices, and millions of
/// short-lived strings would otherwise keep the garbage collector busy.
/// </summary>
internal sealed class CharArena
{
    private const int BlockSize = 1 << 20;

    private readonly List<char[]> _blocks = new();
    private int _block;
    private int _used;

    public ReadOnlyMemory<char> Add(ReadOnlySpan<byte> utf8)
    {
        var needed = Encoding.UTF8.GetMaxCharCount(utf8.Length);
        if (needed > BlockSize / 4)
        {
            // Long values get their own array rather than wasting block space.
            return Encoding.UTF8.GetString(utf8).AsMemory();
        }
        if (_blocks.Count == 0 || _used + needed > BlockSize)
        {
            if (_blocks.Count > 0)
            {
                _block++;
            }
            if (_block == _blocks.Count)
            {
                _blocks.Add(new char[BlockSize]);
            }
            _used = 0;
        }
        var block = _blocks[_block];
        var written = Encoding.UTF8.GetChars(utf8, block.AsSpan(_used));
        var slice = new ReadOnlyMemory<char>(block, _used, written);
        _used += written;
        return slice;
    }

    /// <summary>Makes every block reusable; slices handed out before are invalid afterwards.</summary>
    public void Reset()
    {
        _block = 0;
        _used = 0;
    }
}
