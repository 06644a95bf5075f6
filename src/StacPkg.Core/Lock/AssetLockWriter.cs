using Parquet;
using Parquet.Schema;

namespace StacPkg.Core.Lock;

/// <summary>
/// Buffers lock rows for one row group and writes them as schema v1 columns. Strings are kept as
/// <see cref="ReadOnlyMemory{T}"/> of the entries' own text, so buffering copies nothing.
/// </summary>
internal sealed class AssetLockWriter
{
    private readonly List<AssetLockEntry> _rows;

    public AssetLockWriter(int capacity) => _rows = new List<AssetLockEntry>(capacity);

    public int Count => _rows.Count;

    public void Add(AssetLockEntry entry) => _rows.Add(entry);

    public async Task FlushAsync(ParquetWriter writer, CancellationToken cancellationToken)
    {
        using (var rowGroup = writer.CreateRowGroup())
        {
            await WriteRequiredAsync(rowGroup, AssetLockColumns.ItemIdField, e => e.ItemId, cancellationToken).ConfigureAwait(false);
            await WriteRequiredAsync(rowGroup, AssetLockColumns.AssetKeyField, e => e.AssetKey, cancellationToken).ConfigureAwait(false);
            // The model uses "" for an absent store type or key; the file says null.
            await WriteOptionalAsync(rowGroup, AssetLockColumns.StoreTypeField, e => NullIfEmpty(e.StoreType), cancellationToken).ConfigureAwait(false);
            await WriteOptionalAsync(rowGroup, AssetLockColumns.StoreContainerField, e => e.StoreContainer, cancellationToken).ConfigureAwait(false);
            await WriteOptionalAsync(rowGroup, AssetLockColumns.StoreEndpointUrlField, e => e.StoreEndpointUrl, cancellationToken).ConfigureAwait(false);
            await WriteOptionalAsync(rowGroup, AssetLockColumns.KeyField, e => NullIfEmpty(e.Key), cancellationToken).ConfigureAwait(false);
            await WriteSizesAsync(rowGroup, cancellationToken).ConfigureAwait(false);
            await WriteOptionalAsync(rowGroup, AssetLockColumns.ETagField, e => e.ETag, cancellationToken).ConfigureAwait(false);
            await WriteOptionalAsync(rowGroup, AssetLockColumns.LastModifiedField, e => e.LastModified, cancellationToken).ConfigureAwait(false);
            await WriteOptionalAsync(rowGroup, AssetLockColumns.FileChecksumField, e => e.FileChecksum, cancellationToken).ConfigureAwait(false);
        }
        _rows.Clear();
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private Task WriteRequiredAsync(ParquetRowGroupWriter rowGroup, DataField field, Func<AssetLockEntry, string> select, CancellationToken cancellationToken)
    {
        var values = new ReadOnlyMemory<char>[_rows.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = select(_rows[i]).AsMemory();
        }
        return rowGroup.WriteAllPartsAsync<ReadOnlyMemory<char>>(field, values, null, null, cancellationToken);
    }

    private Task WriteOptionalAsync(ParquetRowGroupWriter rowGroup, DataField field, Func<AssetLockEntry, string?> select, CancellationToken cancellationToken)
    {
        var definitions = new int[_rows.Count];
        var values = new List<ReadOnlyMemory<char>>(_rows.Count);
        for (var i = 0; i < definitions.Length; i++)
        {
            if (select(_rows[i]) is { } value)
            {
                definitions[i] = 1;
                values.Add(value.AsMemory());
            }
        }
        return rowGroup.WriteAllPartsAsync<ReadOnlyMemory<char>>(field, values.ToArray(), definitions, null, cancellationToken);
    }

    private Task WriteSizesAsync(ParquetRowGroupWriter rowGroup, CancellationToken cancellationToken)
    {
        var definitions = new int[_rows.Count];
        var values = new List<long>(_rows.Count);
        for (var i = 0; i < definitions.Length; i++)
        {
            if (_rows[i].SizeBytes is { } size)
            {
                definitions[i] = 1;
                values.Add(size);
            }
        }
        return rowGroup.WriteAllPartsAsync<long>(AssetLockColumns.SizeBytesField, values.ToArray(), definitions, null, cancellationToken);
    }
}
