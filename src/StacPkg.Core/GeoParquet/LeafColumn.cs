using System.Globalization;
using Parquet;
using Parquet.Schema;
using StacPkg.Core.Json;
using StacPkg.Core.Stac;

namespace StacPkg.Core.GeoParquet;

/// <summary>One leaf column of a row group being written: its values and levels, buffered until the row group is flushed.</summary>
internal sealed class LeafColumn : ShredNode
{
    private readonly LeafColumn[] _self;
    private readonly int _maxRepetitionLevel;
    private int[] _definitionLevels = new int[1024];
    private int[] _repetitionLevels;
    private int _levelCount;

    private long[]? _longs;
    private double[]? _doubles;
    private bool[]? _bools;
    private DateTime[]? _timestamps;
    private ReadOnlyMemory<char>[]? _strings;
    private ReadOnlyMemory<byte>[]? _binaries;
    private int _valueCount;

    public LeafColumn(string name, int definitionLevel, int maxRepetitionLevel, ColumnKind kind, string[] path)
        : base(name, definitionLevel)
    {
        Kind = kind;
        Path = path;
        _maxRepetitionLevel = maxRepetitionLevel;
        _repetitionLevels = maxRepetitionLevel > 0 ? new int[1024] : Array.Empty<int>();
        _self = [this];
        Field = kind switch
        {
            ColumnKind.Bool => new DataField<bool?>(name),
            ColumnKind.Int => new DataField<long?>(name),
            ColumnKind.Double => new DataField<double?>(name),
            ColumnKind.Timestamp => new DateTimeDataField(name, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros, isNullable: true),
            ColumnKind.Binary => new DataField<byte[]>(name, true),
            ColumnKind.String or ColumnKind.Json => new DataField<string>(name, true),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a leaf kind"),
        };
    }

    public ColumnKind Kind { get; }

    /// <summary>Physical path of the column (list levels included), for the JSON-columns metadata.</summary>
    public string[] Path { get; }

    public DataField Field { get; }

    public override IReadOnlyList<LeafColumn> Leaves => _self;

    public override void Shred(object? value, int repetitionLevel)
    {
        if (value is null)
        {
            AddLevels(repetitionLevel, DefinitionLevel - 1);
            return;
        }
        AddValue(value);
        AddLevels(repetitionLevel, DefinitionLevel);
    }

    public void AddLevels(int repetitionLevel, int definitionLevel)
    {
        if (_levelCount == _definitionLevels.Length)
        {
            Array.Resize(ref _definitionLevels, _levelCount * 2);
            if (_maxRepetitionLevel > 0)
            {
                Array.Resize(ref _repetitionLevels, _levelCount * 2);
            }
        }
        _definitionLevels[_levelCount] = definitionLevel;
        if (_maxRepetitionLevel > 0)
        {
            _repetitionLevels[_levelCount] = repetitionLevel;
        }
        _levelCount++;
    }

    private void AddValue(object value)
    {
        switch (Kind)
        {
            case ColumnKind.Bool:
                Append(ref _bools, value is bool b ? b : Convert.ToBoolean(JsonValues.Normalize(value), CultureInfo.InvariantCulture));
                break;
            case ColumnKind.Int:
                Append(ref _longs, value is long l ? l : Convert.ToInt64(JsonValues.Normalize(value), CultureInfo.InvariantCulture));
                break;
            case ColumnKind.Double:
                Append(ref _doubles, value is double d ? d : Convert.ToDouble(JsonValues.Normalize(value), CultureInfo.InvariantCulture));
                break;
            case ColumnKind.String:
                Append(ref _strings, (value as string ?? (string)JsonValues.Normalize(value)!).AsMemory());
                break;
            case ColumnKind.Json:
                Append(ref _strings, JsonValueWriter.ToJson(value, indented: false).AsMemory());
                break;
            case ColumnKind.Timestamp:
                Append(ref _timestamps, ToTimestamp(value));
                break;
            case ColumnKind.Binary:
                Append(ref _binaries, value is JsonMap geometry ? Wkb.Encode(geometry) : (byte[])value);
                break;
        }
    }

    private DateTime ToTimestamp(object value) => value switch
    {
        string s when StacDateTime.TryParse(s, out var parsed, out _) => TruncateToMicroseconds(parsed.UtcDateTime),
        DateTimeOffset dto => TruncateToMicroseconds(dto.UtcDateTime),
        DateTime dt => TruncateToMicroseconds(dt.Kind == DateTimeKind.Local ? dt.ToUniversalTime() : DateTime.SpecifyKind(dt, DateTimeKind.Utc)),
        _ => throw new StacFormatException($"'{Name}' is not an RFC 3339 timestamp: {JsonValueWriter.ToJson(value, false)}"),
    };

    private static DateTime TruncateToMicroseconds(DateTime value) =>
        new(value.Ticks - value.Ticks % 10, DateTimeKind.Utc);

    private void Append<T>(ref T[]? buffer, T value)
    {
        buffer ??= new T[256];
        if (_valueCount == buffer.Length)
        {
            Array.Resize(ref buffer, _valueCount * 2);
        }
        buffer[_valueCount++] = value;
    }

    /// <summary>Writes the buffered values and levels as this column's chunk of the row group, then clears them.</summary>
    public async Task FlushAsync(ParquetRowGroupWriter rowGroup, CancellationToken cancellationToken)
    {
        ReadOnlyMemory<int> definitions = _definitionLevels.AsMemory(0, _levelCount);
        ReadOnlyMemory<int>? repetitions = _maxRepetitionLevel > 0 ? _repetitionLevels.AsMemory(0, _levelCount) : null;
        switch (Kind)
        {
            case ColumnKind.Bool:
                await rowGroup.WriteAllPartsAsync(Field, Values(_bools), definitions, repetitions, cancellationToken).ConfigureAwait(false);
                break;
            case ColumnKind.Int:
                await rowGroup.WriteAllPartsAsync(Field, Values(_longs), definitions, repetitions, cancellationToken).ConfigureAwait(false);
                break;
            case ColumnKind.Double:
                await rowGroup.WriteAllPartsAsync(Field, Values(_doubles), definitions, repetitions, cancellationToken).ConfigureAwait(false);
                break;
            case ColumnKind.Timestamp:
                await rowGroup.WriteAllPartsAsync(Field, Values(_timestamps), definitions, repetitions, cancellationToken).ConfigureAwait(false);
                break;
            case ColumnKind.Binary:
                await rowGroup.WriteAllPartsAsync(Field, Values(_binaries), definitions, repetitions, cancellationToken).ConfigureAwait(false);
                break;
            default:
                await rowGroup.WriteAllPartsAsync(Field, Values(_strings), definitions, repetitions, cancellationToken).ConfigureAwait(false);
                if (_strings is not null)
                {
                    // Drop references so the row group's strings can be collected.
                    Array.Clear(_strings, 0, _valueCount);
                }
                break;
        }
        if (_binaries is not null)
        {
            Array.Clear(_binaries, 0, _valueCount);
        }
        _levelCount = 0;
        _valueCount = 0;
    }

    private ReadOnlyMemory<T> Values<T>(T[]? buffer) => buffer is null ? ReadOnlyMemory<T>.Empty : buffer.AsMemory(0, _valueCount);
}
