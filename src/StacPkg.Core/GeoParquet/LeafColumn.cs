using System.Globalization;
using Parquet.Schema;
using StacPkg.Core.Json;
using StacPkg.Core.Stac;

namespace StacPkg.Core.GeoParquet;

/// <summary>One leaf column of the write schema: converts values to its kind and buffers them with their levels.</summary>
internal sealed class LeafColumn : ShredNode
{
    private readonly LeafColumn[] _self;
    private readonly ColumnChunk _chunk;

    public LeafColumn(string name, int definitionLevel, int maxRepetitionLevel, ColumnKind kind, string[] path)
        : base(name, definitionLevel)
    {
        Kind = kind;
        Path = path;
        _self = [this];
        _chunk = new ColumnChunk(maxRepetitionLevel > 0);
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

    public override void ShredBinary(ReadOnlySpan<byte> data, ref int position, int repetitionLevel, ShredContext context)
    {
        var tag = data[position];
        switch (tag)
        {
            case BinaryJson.Null:
                position++;
                AddLevels(repetitionLevel, DefinitionLevel - 1);
                return;
            case BinaryJson.Long when Kind == ColumnKind.Int:
                position++;
                _chunk.Append(ref _chunk.Longs, BinaryJson.ReadInt64(data, ref position));
                break;
            case BinaryJson.Long or BinaryJson.Double when Kind == ColumnKind.Double:
                position++;
                var bits = BinaryJson.ReadInt64(data, ref position);
                _chunk.Append(ref _chunk.Doubles, tag == BinaryJson.Long ? bits : BitConverter.Int64BitsToDouble(bits));
                break;
            case BinaryJson.String when Kind == ColumnKind.String:
                position++;
                _chunk.Append(ref _chunk.Strings, context.Strings.Add(BinaryJson.ReadBytes(data, ref position)));
                break;
            default:
                // Less common conversions (JSON text, timestamps, WKB) go through the value model.
                AddValue(BinaryJson.Read(data, ref position, context.Keys)!);
                break;
        }
        AddLevels(repetitionLevel, DefinitionLevel);
    }

    public void AddLevels(int repetitionLevel, int definitionLevel) => _chunk.AddLevels(repetitionLevel, definitionLevel);

    private void AddValue(object value)
    {
        var chunk = _chunk;
        switch (Kind)
        {
            case ColumnKind.Bool:
                chunk.Append(ref chunk.Bools, value is bool b ? b : Convert.ToBoolean(JsonValues.Normalize(value), CultureInfo.InvariantCulture));
                break;
            case ColumnKind.Int:
                chunk.Append(ref chunk.Longs, value is long l ? l : Convert.ToInt64(JsonValues.Normalize(value), CultureInfo.InvariantCulture));
                break;
            case ColumnKind.Double:
                chunk.Append(ref chunk.Doubles, value is double d ? d : Convert.ToDouble(JsonValues.Normalize(value), CultureInfo.InvariantCulture));
                break;
            case ColumnKind.String:
                chunk.Append(ref chunk.Strings, (value as string ?? (string)JsonValues.Normalize(value)!).AsMemory());
                break;
            case ColumnKind.Json:
                chunk.Append(ref chunk.Strings, JsonValueWriter.ToJson(value, indented: false).AsMemory());
                break;
            case ColumnKind.Timestamp:
                chunk.Append(ref chunk.Timestamps, ToTimestamp(value));
                break;
            case ColumnKind.Binary:
                chunk.Append(ref chunk.Binaries, value is JsonMap geometry ? Wkb.Encode(geometry) : (byte[])value);
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

    /// <summary>
    /// The buffered values and levels of the row group being shredded. It must be encoded (which
    /// empties it) before the next row group is shredded.
    /// </summary>
    public ColumnChunk Chunk => _chunk;
}
