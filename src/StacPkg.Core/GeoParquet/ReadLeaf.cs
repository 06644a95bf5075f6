using Parquet;
using Parquet.Data;
using Parquet.Schema;
using StacPkg.Core.Json;
using StacPkg.Core.Stac;

namespace StacPkg.Core.GeoParquet;

/// <summary>A leaf column of the row group being read: its values (as JSON values) and levels, with a cursor.</summary>
internal sealed class ReadLeaf : ReadNode
{
    private readonly ReadLeaf[] _self;
    private object?[] _values = [];
    private int[]? _definitions;
    private int[]? _repetitions;
    private int _levelCount;
    private int _level;
    private int _value;

    public ReadLeaf(string name, int definitionLevel, string[] path) : base(name, definitionLevel)
    {
        Path = path;
        _self = [this];
    }

    public string[] Path { get; }

    /// <summary>Values are JSON text to parse (set from the stacpkg:json-columns metadata).</summary>
    public bool IsJson { get; set; }

    /// <summary>Binary values are kept as bytes (a WKB column) rather than turned into base64 text.</summary>
    public bool KeepBytes { get; set; }

    public DataField? Field { get; set; }

    public override IReadOnlyList<ReadLeaf> Leaves => _self;

    protected override bool MayReadNull => IsJson;

    /// <summary>Whether the loaded row group holds a number JSON cannot hold (NaN, Infinity) in this column.</summary>
    public bool HasNonFinite { get; private set; }

    public bool HasCurrent => _level < _levelCount;

    public int CurrentDefinition => _definitions is null ? DefinitionLevel : _definitions[_level];

    public int CurrentRepetition => _repetitions is null ? 0 : _repetitions[_level];

    public void Advance() => _level++;

    protected override object? ReadDefined()
    {
        _level++;
        return _values[_value++];
    }

    public async Task LoadAsync(ParquetRowGroupReader rowGroup, CancellationToken cancellationToken)
    {
        using var raw = await rowGroup.ReadRawColumnDataBaseAsync(Field!, cancellationToken).ConfigureAwait(false);
        _definitions = Field!.MaxDefinitionLevel > 0 ? raw.DefinitionLevels.ToArray() : null;
        _repetitions = Field.MaxRepetitionLevel > 0 ? raw.RepetitionLevels.ToArray() : null;
        _values = Convert(raw);
        HasNonFinite = Array.Exists(_values, v => v is double d ? !double.IsFinite(d) : IsJson && JsonValues.FindNonFiniteNumber(v) is not null);
        _levelCount = _definitions?.Length ?? _repetitions?.Length ?? _values.Length;
        _level = 0;
        _value = 0;
    }

    private object?[] Convert(RawColumnData raw) => raw switch
    {
        RawColumnData<ReadOnlyMemory<char>> s => Map(s.Values, v => IsJson ? JsonValueReader.Parse(System.Text.Encoding.UTF8.GetBytes(v.ToString())) : v.ToString()),
        RawColumnData<ReadOnlyMemory<byte>> b => Map(b.Values, v => KeepBytes ? v.ToArray() : (object)System.Convert.ToBase64String(v.Span)),
        RawColumnData<long> l => Map(l.Values, v => (object)v),
        RawColumnData<int> i => Map(i.Values, v => (object)(long)v),
        RawColumnData<short> i16 => Map(i16.Values, v => (object)(long)v),
        RawColumnData<sbyte> i8 => Map(i8.Values, v => (object)(long)v),
        RawColumnData<byte> u8 => Map(u8.Values, v => (object)(long)v),
        RawColumnData<ushort> u16 => Map(u16.Values, v => (object)(long)v),
        RawColumnData<uint> u32 => Map(u32.Values, v => (object)(long)v),
        RawColumnData<ulong> u64 => Map(u64.Values, v => JsonValues.Normalize(v)),
        RawColumnData<double> d => Map(d.Values, v => (object)v),
        RawColumnData<float> f => Map(f.Values, v => (object)(double)v),
        RawColumnData<decimal> m => Map(m.Values, v => JsonValues.Normalize(v)),
        RawColumnData<bool> b => Map(b.Values, v => (object)v),
        RawColumnData<DateTime> t => Map(t.Values, v => StacDateTime.Format(DateTime.SpecifyKind(v, v.Kind == DateTimeKind.Local ? DateTimeKind.Local : DateTimeKind.Utc))),
        RawColumnData<DateOnly> date => Map(date.Values, v => v.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
        _ => throw new NotSupportedException($"column '{string.Join('.', Path)}' has a type StacPkg cannot read ({raw.GetType().Name})"),
    };

    private int DefinedCount()
    {
        if (_definitions is null)
        {
            return -1;
        }
        var count = 0;
        foreach (var d in _definitions)
        {
            if (d == DefinitionLevel)
            {
                count++;
            }
        }
        return count;
    }

    private object?[] Map<T>(Span<T> values, Func<T, object?> convert)
    {
        // Values are dense: one per entry that reaches the leaf's maximum definition level.
        var count = DefinedCount();
        if (count < 0)
        {
            count = _repetitions?.Length ?? values.Length;
        }
        var result = new object?[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = convert(values[i]);
        }
        return result;
    }
}
