using System.Text.Json;

namespace StacPkg.Core.Json;

/// <summary>Reads JSON into the plain value model of <see cref="JsonMap"/>.</summary>
public static class JsonValueReader
{
    private static readonly JsonReaderOptions Options = new() { MaxDepth = 256 };

    // Member names repeat across Items ("href", "roles", …): one string each per thread.
    [ThreadStatic]
    private static KeyCache? t_keys;

    /// <summary>Parses one complete JSON value from UTF-8 bytes.</summary>
    /// <exception cref="JsonException">The text is not one valid JSON value.</exception>
    public static object? Parse(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, Options);
        if (!reader.Read())
        {
            throw new JsonException("the input holds no JSON value");
        }
        var value = ReadValue(ref reader);
        if (reader.Read())
        {
            throw new JsonException($"unexpected text after the JSON value at byte {reader.TokenStartIndex}");
        }
        return value;
    }

    /// <summary>Reads the value at the reader's current token, leaving the reader on its last token.</summary>
    public static object? ReadValue(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var map = new JsonMap();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var key = reader.ValueIsEscaped || reader.HasValueSequence
                        ? GetString(ref reader)
                        : (t_keys ??= new KeyCache()).Get(reader.ValueSpan);
                    reader.Read();
                    // Last duplicate wins, as in most JSON parsers.
                    map[key] = ReadValue(ref reader);
                }
                return map;
            case JsonTokenType.StartArray:
                var list = new List<object?>();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    list.Add(ReadValue(ref reader));
                }
                return list;
            case JsonTokenType.String:
                return GetString(ref reader);
            case JsonTokenType.Number:
                return ReadNumber(ref reader);
            case JsonTokenType.True:
                return true;
            case JsonTokenType.False:
                return false;
            case JsonTokenType.Null:
                return null;
            default:
                throw new JsonException($"unexpected JSON token {reader.TokenType}");
        }
    }

    /// <summary>Integers that fit a long stay exact; every other number is a double.</summary>
    private static object ReadNumber(ref Utf8JsonReader reader)
    {
        ReadOnlySpan<byte> span = reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan;
        if (span.IndexOfAny((byte)'.', (byte)'e', (byte)'E') < 0 && reader.TryGetInt64(out var l))
        {
            return l;
        }
        return reader.GetDouble();
    }

    private static string GetString(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException ex)
        {
            // System.Text.Json reports invalid UTF-8 in a string this way.
            throw new JsonException($"invalid UTF-8 in a JSON string near byte {reader.TokenStartIndex}", ex);
        }
    }
}
