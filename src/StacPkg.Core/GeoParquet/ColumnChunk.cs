using Parquet;
using Parquet.Schema;

namespace StacPkg.Core.GeoParquet;

/// <summary>
/// The buffered values and Dremel levels of one leaf column for one row group; emptied when encoded,
/// and filled again by the next row group (the writer shreds several row groups at once with a
/// copy of the leaves each: <see cref="RowGroupShredder"/>).
/// </summary>
internal sealed class ColumnChunk
{
    private readonly bool _repeated;
    private int[] _definitions = new int[1024];
    private int[] _repetitions;
    private int _levels;

    public ColumnChunk(bool repeated)
    {
        _repeated = repeated;
        _repetitions = repeated ? new int[1024] : [];
    }

    public long[] Longs = [];
    public double[] Doubles = [];
    public bool[] Bools = [];
    public DateTime[] Timestamps = [];
    public ReadOnlyMemory<char>[] Strings = [];
    public ReadOnlyMemory<byte>[] Binaries = [];
    public int ValueCount;

    public void AddLevels(int repetitionLevel, int definitionLevel)
    {
        if (_levels == _definitions.Length)
        {
            Array.Resize(ref _definitions, _levels * 2);
            if (_repeated)
            {
                Array.Resize(ref _repetitions, _levels * 2);
            }
        }
        _definitions[_levels] = definitionLevel;
        if (_repeated)
        {
            _repetitions[_levels] = repetitionLevel;
        }
        _levels++;
    }

    public void Append<T>(ref T[] buffer, T value)
    {
        if (ValueCount == buffer.Length)
        {
            Array.Resize(ref buffer, Math.Max(256, ValueCount * 2));
        }
        buffer[ValueCount++] = value;
    }

    /// <summary>The least and greatest timestamp buffered, as microseconds since the Unix epoch; null when there is none.</summary>
    public (long Min, long Max)? TimestampRange()
    {
        if (ValueCount == 0)
        {
            return null;
        }
        var min = long.MaxValue;
        var max = long.MinValue;
        foreach (var value in Timestamps.AsSpan(0, ValueCount))
        {
            min = Math.Min(min, value.Ticks);
            max = Math.Max(max, value.Ticks);
        }
        // Values are already truncated to whole microseconds.
        return ((min - DateTime.UnixEpoch.Ticks) / 10, (max - DateTime.UnixEpoch.Ticks) / 10);
    }

    private ReadOnlyMemory<T> Values<T>(T[] buffer) => new(buffer, 0, ValueCount);

    /// <summary>Writes this chunk into the row group, then empties it for reuse.</summary>
    public async Task FlushAsync(DataField field, ColumnKind kind, ParquetRowGroupWriter rowGroup, CancellationToken cancellationToken)
    {
        ReadOnlyMemory<int> definitions = _definitions.AsMemory(0, _levels);
        ReadOnlyMemory<int>? repetitions = _repeated ? _repetitions.AsMemory(0, _levels) : null;
        var task = kind switch
        {
            ColumnKind.Bool => rowGroup.WriteAllPartsAsync(field, Values(Bools), definitions, repetitions, cancellationToken),
            ColumnKind.Int => rowGroup.WriteAllPartsAsync(field, Values(Longs), definitions, repetitions, cancellationToken),
            ColumnKind.Double => rowGroup.WriteAllPartsAsync(field, Values(Doubles), definitions, repetitions, cancellationToken),
            ColumnKind.Timestamp => rowGroup.WriteAllPartsAsync(field, Values(Timestamps), definitions, repetitions, cancellationToken),
            ColumnKind.Binary => rowGroup.WriteAllPartsAsync(field, Values(Binaries), definitions, repetitions, cancellationToken),
            _ => rowGroup.WriteAllPartsAsync(field, Values(Strings), definitions, repetitions, cancellationToken),
        };
        await task.ConfigureAwait(false);
        // Drop references so the row group's strings and WKB can be collected.
        Array.Clear(Strings, 0, Math.Min(ValueCount, Strings.Length));
        Array.Clear(Binaries, 0, Math.Min(ValueCount, Binaries.Length));
        _levels = 0;
        ValueCount = 0;
    }
}
