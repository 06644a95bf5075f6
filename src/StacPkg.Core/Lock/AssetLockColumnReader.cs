using System.Text;
using Parquet;
using Parquet.Data;
using Parquet.Schema;

namespace StacPkg.Core.Lock;

/// <summary>
/// Reads one top-level lock column of a row group into one value per row, whatever physical type a
/// writer chose for it (UTF-8 or plain byte arrays for strings, any integer width for size_bytes).
/// </summary>
internal sealed class AssetLockColumnReader
{
    private readonly DataField _field;

    public AssetLockColumnReader(DataField field) => _field = field;

    public string Name => _field.Name;

    public async Task<string?[]> ReadStringsAsync(ParquetRowGroupReader rowGroup, CancellationToken cancellationToken)
    {
        using var raw = await rowGroup.ReadRawColumnDataBaseAsync(_field, cancellationToken).ConfigureAwait(false);
        return raw switch
        {
            RawColumnData<ReadOnlyMemory<char>> s => Spread(raw, s.Values, v => v.ToString(), rowGroup.RowCount),
            RawColumnData<ReadOnlyMemory<byte>> b => Spread(raw, b.Values, v => Encoding.UTF8.GetString(v.Span), rowGroup.RowCount),
            _ => throw new InvalidDataException($"column '{Name}' has type {_field.ClrType.Name}, expected a string"),
        };
    }

    public async Task<long?[]> ReadLongsAsync(ParquetRowGroupReader rowGroup, CancellationToken cancellationToken)
    {
        using var raw = await rowGroup.ReadRawColumnDataBaseAsync(_field, cancellationToken).ConfigureAwait(false);
        var count = rowGroup.RowCount;
        return raw switch
        {
            RawColumnData<long> l => Spread(raw, l.Values, v => (long?)v, count),
            RawColumnData<int> i => Spread(raw, i.Values, v => (long?)v, count),
            RawColumnData<uint> u => Spread(raw, u.Values, v => (long?)v, count),
            RawColumnData<short> s => Spread(raw, s.Values, v => (long?)v, count),
            RawColumnData<ushort> us => Spread(raw, us.Values, v => (long?)v, count),
            RawColumnData<ulong> ul => Spread(raw, ul.Values, v => v <= long.MaxValue ? (long?)v : throw new InvalidDataException($"column '{Name}' holds {v}, beyond int64"), count),
            _ => throw new InvalidDataException($"column '{Name}' has type {_field.ClrType.Name}, expected int64"),
        };
    }

    /// <summary>Puts the dense values back at their rows, with null where the definition level says the value is absent.</summary>
    private T?[] Spread<TValue, T>(RawColumnData raw, Span<TValue> values, Func<TValue, T?> convert, long rowCount)
    {
        var result = new T?[rowCount];
        if (_field.MaxDefinitionLevel == 0)
        {
            for (var i = 0; i < result.Length; i++)
            {
                result[i] = convert(values[i]);
            }
            return result;
        }
        var definitions = raw.DefinitionLevels;
        var next = 0;
        for (var i = 0; i < result.Length; i++)
        {
            if (definitions[i] == _field.MaxDefinitionLevel)
            {
                result[i] = convert(values[next++]);
            }
        }
        return result;
    }
}
