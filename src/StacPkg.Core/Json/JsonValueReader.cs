using System.Text.Json;

namespace StacPkg.Core.Json;

/// <summary>Reads JSON into the plain value model of <see cref="JsonMap"/>.</summary>
public static class JsonValueReader
{
    private static readonly JsonReaderOptions Options = new() { MaxDepth = 256 };

    [ThreadStatic]
    private static Scratch? t_scratch;

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
    public static object? ReadValue(ref Utf8JsonReader reader) => ReadValue(ref reader, t_scratch ??= new Scratch(), 0);

    private static object? ReadValue(ref Utf8JsonReader reader, Scratch scratch, int depth)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                // Members are gathered in a reused buffer so the map is allocated once at its final size.
                var members = scratch.Members(depth);
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    var key = reader.ValueIsEscaped || reader.HasValueSequence
                        ? GetString(ref reader)
                        : scratch.Keys.Get(reader.ValueSpan);
                    reader.Read();
                    members.Add(new(key, ReadValue(ref reader, scratch, depth + 1)));
                }
                var map = new JsonMap(members.Count);
                foreach (var (key, value) in members)
                {
                    // Last duplicate wins, as in most JSON parsers.
                    map[key] = value;
                }
                members.Clear();
                return map;
            case JsonTokenType.StartArray:
                var elements = scratch.Elements(depth);
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    elements.Add(ReadValue(ref reader, scratch, depth + 1));
                }
                var list = new List<object?>(elements);
                elements.Clear();
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

    /// <summary>Per-thread buffers reused across values: one member list and one element list per depth, and the key cache.</summary>
    private sealed class Scratch
    {
        private readonly List<List<KeyValuePair<string, object?>>> _members = new();
        private readonly List<List<object?>> _elements = new();

        public KeyCache Keys { get; } = new();

        public List<KeyValuePair<string, object?>> Members(int depth)
        {
            while (_members.Count <= depth) _members.Add(new());
            // Cleared on the way in too: a parse that failed part-way leaves members behind.
            _members[depth].Clear();
            return _members[depth];
        }

        public List<object?> Elements(int depth)
        {
            while (_elements.Count <= depth) _elements.Add(new());
            _elements[depth].Clear();
            return _elements[depth];
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
