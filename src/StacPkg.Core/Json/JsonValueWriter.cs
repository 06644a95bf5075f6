using System.Buffers;
using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace StacPkg.Core.Json;

/// <summary>Writes the plain value model (and common .NET values users put into it) as JSON.</summary>
public static class JsonValueWriter
{
    /// <summary>Keeps non-ASCII text and characters such as '+' readable instead of \u-escaping them.</summary>
    public static readonly JsonWriterOptions CompactOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    public static readonly JsonWriterOptions IndentedOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = true,
        SkipValidation = true,
    };

    /// <summary>
    /// A buffer kept per thread between calls: a fresh one grows by doubling for every Item (a
    /// quarter of the time of turning Items into JSON text went into that copying).
    /// </summary>
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    private const int KeptBufferBytes = 1 << 20;

    public static string ToJson(object? value, bool indented)
    {
        // Taken out while in use, so that a nested call (a value's ToString) gets a buffer of its own.
        var buffer = t_buffer ?? new ArrayBufferWriter<byte>(16 * 1024);
        t_buffer = null;
        buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(buffer, indented ? IndentedOptions : CompactOptions))
        {
            Write(writer, value);
        }
        var text = Encoding.UTF8.GetString(buffer.WrittenSpan);
        if (buffer.Capacity <= KeptBufferBytes)
        {
            t_buffer = buffer;
        }
        return text;
    }

    public static void Write(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case int i:
                writer.WriteNumberValue(i);
                break;
            case double d:
                WriteDouble(writer, d);
                break;
            case float f:
                WriteDouble(writer, f);
                break;
            case decimal m:
                writer.WriteNumberValue(m);
                break;
            case short or byte or sbyte or ushort or uint:
                writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case ulong ul:
                writer.WriteNumberValue(ul);
                break;
            case DateTimeOffset dto:
                writer.WriteStringValue(Stac.StacDateTime.Format(dto));
                break;
            case DateTime dt:
                writer.WriteStringValue(Stac.StacDateTime.Format(dt));
                break;
            case JsonElement element:
                element.WriteTo(writer);
                break;
            case Stac.StacItemRecord record:
                var position = 0;
                WriteBinary(writer, record.Bytes, ref position);
                break;
            case IDictionary dictionary:
                writer.WriteStartObject();
                foreach (DictionaryEntry entry in dictionary)
                {
                    writer.WritePropertyName(Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? "");
                    Write(writer, entry.Value);
                }
                writer.WriteEndObject();
                break;
            case IEnumerable sequence:
                writer.WriteStartArray();
                foreach (var item in sequence)
                {
                    Write(writer, item);
                }
                writer.WriteEndArray();
                break;
            default:
                writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    /// <summary>
    /// Writes one <see cref="BinaryJson"/> value, moving <paramref name="position"/> past it: the same
    /// text as <see cref="Write"/> gives for the decoded value, without decoding it.
    /// </summary>
    internal static void WriteBinary(Utf8JsonWriter writer, ReadOnlySpan<byte> data, ref int position)
    {
        var tag = data[position++];
        switch (tag)
        {
            case BinaryJson.Null:
                writer.WriteNullValue();
                break;
            case BinaryJson.False or BinaryJson.True:
                writer.WriteBooleanValue(tag == BinaryJson.True);
                break;
            case BinaryJson.Long:
                writer.WriteNumberValue(BinaryJson.ReadInt64(data, ref position));
                break;
            case BinaryJson.Double:
                WriteDouble(writer, BitConverter.Int64BitsToDouble(BinaryJson.ReadInt64(data, ref position)));
                break;
            case BinaryJson.String:
                writer.WriteStringValue(BinaryJson.ReadBytes(data, ref position));
                break;
            case BinaryJson.Array:
                writer.WriteStartArray();
                for (var count = BinaryJson.ReadCount(data, ref position); count > 0; count--)
                {
                    WriteBinary(writer, data, ref position);
                }
                writer.WriteEndArray();
                break;
            case BinaryJson.Object:
                writer.WriteStartObject();
                for (var count = BinaryJson.ReadCount(data, ref position); count > 0; count--)
                {
                    writer.WritePropertyName(BinaryJson.ReadBytes(data, ref position));
                    WriteBinary(writer, data, ref position);
                }
                writer.WriteEndObject();
                break;
            default:
                throw new InvalidDataException($"corrupt record: tag {tag} at {position - 1}");
        }
    }

    private static void WriteDouble(Utf8JsonWriter writer, double d)
    {
        if (!double.IsFinite(d))
        {
            throw new JsonException($"the number {d} cannot be written as JSON");
        }
        writer.WriteNumberValue(d);
    }
}
