using System.Text;
using System.Text.Json;
using StacPkg.Core.Json;

namespace StacPkg.Core.Stac;

/// <summary>
/// A STAC Collection. The fields a listing shows are read from <see cref="Json"/>, the whole
/// document as it came, so that a Collection stored in a file's metadata is written back unchanged.
/// </summary>
/// <remarks>
/// A Collection is accepted when it has <c>"type": "Collection"</c> (or, as before STAC 1.0, no
/// type but an <c>extent</c> and a <c>license</c>) and a non-empty string <c>id</c>. Its other
/// fields are kept and not validated: as the stac-geoparquet spec says, validate a Collection
/// against the STAC Collection schema separately.
/// </remarks>
public sealed class StacCollection
{
    public const string CollectionType = "Collection";

    private StacCollection(string id, JsonMap json)
    {
        Id = id;
        Json = json;
    }

    public string Id { get; }

    /// <summary>The whole Collection document.</summary>
    public JsonMap Json { get; }

    public string? Title => Json.Get("title") as string;
    public string? Description => Json.Get("description") as string;
    public string? License => Json.Get("license") as string;
    public string? StacVersion => Json.Get("stac_version") as string;

    public IReadOnlyList<string> Keywords =>
        Json.Get("keywords") is List<object?> keywords ? keywords.OfType<string>().ToList() : [];

    /// <summary>The overall spatial extent (the first bbox of <c>extent.spatial.bbox</c>), or null.</summary>
    public double[]? Bbox =>
        Extent("spatial", "bbox") is { } box && box.TrueForAll(v => v is long or double)
            ? box.Select(v => Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray()
            : null;

    /// <summary>The start of the overall temporal extent, or null when it is open or absent.</summary>
    public DateTimeOffset? Start => Instant(0);

    /// <summary>The end of the overall temporal extent, or null when it is open or absent.</summary>
    public DateTimeOffset? End => Instant(1);

    private DateTimeOffset? Instant(int index) =>
        Extent("temporal", "interval") is { Count: 2 } interval && interval[index] is string s && StacDateTime.TryParse(s, out var value, out _)
            ? value
            : null;

    /// <summary>The first element of <c>extent.{part}.{member}</c> when it is an array.</summary>
    private List<object?>? Extent(string part, string member) =>
        Json.Get("extent") is JsonMap extent && extent.Get(part) is JsonMap section &&
        section.Get(member) is List<object?> { Count: > 0 } list && list[0] is List<object?> first
            ? first
            : null;

    /// <summary>Builds a Collection from a parsed JSON object, refusing what is not a STAC Collection.</summary>
    /// <exception cref="StacFormatException">The object is not a STAC Collection; the message says why and names its id when it has one.</exception>
    public static StacCollection FromJson(JsonMap json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var named = json.Get("id") is string s && s.Length > 0 ? $"Collection '{s}'" : "the Collection";
        var type = json.Get("type");
        if (type is not CollectionType)
        {
            var reason = type switch
            {
                "Feature" => "a STAC Item, not a Collection",
                string t => $"not a STAC Collection: type is '{t}', expected 'Collection'",
                null when json.ContainsKey("extent") && json.ContainsKey("license") => null,
                _ => "not a STAC Collection: it has no \"type\": \"Collection\"",
            };
            if (reason is not null)
            {
                throw new StacFormatException($"{named} is {reason}");
            }
        }
        if (json.Get("id") is not string id || id.Length == 0)
        {
            throw new StacFormatException(json.ContainsKey("id")
                ? "the Collection's id must be a non-empty string"
                : "the Collection has no id");
        }
        if (JsonValues.FindNonFiniteNumber(json) is var (path, _))
        {
            throw new StacFormatException($"{named}: {path} is not a finite number, which JSON cannot hold");
        }
        return new StacCollection(id, json);
    }

    /// <summary>Parses Collection JSON text.</summary>
    /// <exception cref="StacFormatException">The text is not one JSON object that is a STAC Collection.</exception>
    public static StacCollection Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        object? value;
        try
        {
            value = JsonValueReader.Parse(Encoding.UTF8.GetBytes(text));
        }
        catch (JsonException ex)
        {
            throw new StacFormatException($"the Collection is not valid JSON: {ex.Message}", ex);
        }
        return value is JsonMap map
            ? FromJson(map)
            : throw new StacFormatException("a Collection must be a JSON object");
    }

    /// <summary>The document as compact JSON text.</summary>
    public string ToJsonText() => JsonValueWriter.ToJson(Json, indented: false);

    public override string ToString() => Id;
}
