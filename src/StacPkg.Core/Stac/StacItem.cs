using StacPkg.Core.Json;

namespace StacPkg.Core.Stac;

/// <summary>
/// A STAC Item. The fields every Item has are typed; <see cref="Properties"/>, asset and link extras
/// and unknown top-level fields (<see cref="AdditionalFields"/>) keep their JSON values, so nothing
/// in the input is lost on the way to GeoParquet and back.
/// </summary>
public sealed class StacItem
{
    public const string DefaultStacVersion = "1.1.0";

    public string Id { get; set; } = "";
    public string? Collection { get; set; }

    /// <summary>GeoJSON geometry object, or null.</summary>
    public JsonMap? Geometry { get; set; }

    /// <summary>[xmin, ymin, xmax, ymax] or [xmin, ymin, zmin, xmax, ymax, zmax], or null.</summary>
    public double[]? Bbox { get; set; }

    public JsonMap Properties { get; set; } = new();
    public Dictionary<string, StacAsset> Assets { get; set; } = new(StringComparer.Ordinal);
    public List<StacLink> Links { get; set; } = new();
    public List<string> StacExtensions { get; set; } = new();
    public string StacVersion { get; set; } = DefaultStacVersion;

    /// <summary>Top-level fields that are not part of the Item specification.</summary>
    public JsonMap AdditionalFields { get; set; } = new();

    /// <summary>
    /// The Collection of <see cref="Collection"/> when the input held it (a GeoParquet file's
    /// metadata, a Collection document before the Item in JSON input); never part of the Item's
    /// JSON. A GeoParquet writer stores it in the file's metadata.
    /// </summary>
    public StacCollection? StacCollection { get; set; }

    /// <summary>The <c>datetime</c> property as an instant; null when it is null (a range item) or absent.</summary>
    public DateTimeOffset? Datetime =>
        Properties.Get("datetime") is string s && StacDateTime.TryParse(s, out var value, out _) ? value : null;

    /// <summary>Top-level member names of an Item document that are typed fields here.</summary>
    public static readonly IReadOnlySet<string> SpecFields = new HashSet<string>(StringComparer.Ordinal)
    {
        "type", "stac_version", "stac_extensions", "id", "geometry", "bbox", "properties", "links", "assets", "collection",
    };

    /// <summary>Builds an Item from a parsed JSON object, refusing what is not a valid Item.</summary>
    /// <exception cref="StacFormatException">The object is not a STAC Item; the message says why.</exception>
    public static StacItem FromJson(JsonMap map)
    {
        var id = map.Get("id");
        try
        {
            return Parse(map);
        }
        catch (StacFormatException ex) when (ex.ItemId is null && id is string s && s.Length > 0)
        {
            throw new StacFormatException(ex.Reason, ex.InnerException) { ItemId = s };
        }
    }

    private static StacItem Parse(JsonMap map)
    {
        ThrowIfNotFinite(map);
        var type = map.Get("type");
        if (type is not "Feature")
        {
            throw new StacFormatException(type is string t
                ? $"not a STAC Item: type is '{t}', expected 'Feature'"
                : "not a STAC Item: it has no \"type\": \"Feature\"");
        }
        if (map.Get("stac_version") is not string version)
        {
            throw new StacFormatException("a GeoJSON Feature, not a STAC Item: stac_version is missing or not a string");
        }
        if (map.Get("id") is not string id || id.Length == 0)
        {
            throw new StacFormatException(map.ContainsKey("id") ? "id must be a non-empty string" : "the item has no id");
        }

        var item = new StacItem { Id = id, StacVersion = version };
        foreach (var (name, value) in map)
        {
            switch (name)
            {
                case "type" or "stac_version" or "id":
                    break;
                case "collection":
                    item.Collection = value switch
                    {
                        null => null,
                        string c => c,
                        _ => throw new StacFormatException("collection must be a string"),
                    };
                    break;
                case "stac_extensions":
                    item.StacExtensions = value is List<object?> exts && exts.TrueForAll(e => e is string)
                        ? exts.ConvertAll(e => (string)e!)
                        : throw new StacFormatException("stac_extensions must be an array of strings");
                    break;
                case "geometry":
                    item.Geometry = value switch
                    {
                        null => null,
                        JsonMap g => GeoJsonGeometry.Validate(g),
                        _ => throw new StacFormatException("geometry must be a GeoJSON geometry object or null"),
                    };
                    break;
                case "bbox":
                    item.Bbox = value is null ? null : ParseBbox(value);
                    break;
                case "properties":
                    item.Properties = value as JsonMap ?? throw new StacFormatException("properties must be an object");
                    break;
                case "assets":
                    item.Assets = ParseAssets(value);
                    break;
                case "links":
                    item.Links = ParseLinks(value);
                    break;
                default:
                    item.AdditionalFields[name] = value;
                    break;
            }
        }
        if (!map.ContainsKey("properties"))
        {
            throw new StacFormatException("the item has no properties object");
        }
        CheckDatetime(item.Properties);
        return item;
    }

    private static double[] ParseBbox(object value)
    {
        if (value is List<object?> list && list.Count is 4 or 6 && list.TrueForAll(v => v is long or double))
        {
            return list.ConvertAll(v => Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        }
        throw new StacFormatException("bbox must be an array of 4 or 6 numbers");
    }

    private static Dictionary<string, StacAsset> ParseAssets(object? value)
    {
        var assets = new Dictionary<string, StacAsset>(StringComparer.Ordinal);
        if (value is null)
        {
            return assets;
        }
        if (value is not JsonMap map)
        {
            throw new StacFormatException("assets must be an object");
        }
        foreach (var (key, asset) in map)
        {
            assets[key] = asset is JsonMap a
                ? StacAsset.FromJson(key, a)
                : throw new StacFormatException($"asset '{key}' must be an object");
        }
        return assets;
    }

    private static List<StacLink> ParseLinks(object? value)
    {
        if (value is null)
        {
            return new List<StacLink>();
        }
        if (value is not List<object?> list)
        {
            throw new StacFormatException("links must be an array");
        }
        var links = new List<StacLink>(list.Count);
        for (var i = 0; i < list.Count; i++)
        {
            links.Add(list[i] is JsonMap l ? StacLink.FromJson(i, l) : throw new StacFormatException($"link #{i + 1} must be an object"));
        }
        return links;
    }

    private static void CheckDatetime(JsonMap properties)
    {
        foreach (var name in StacDateTime.TimestampProperties)
        {
            var value = properties.Get(name);
            if (value is null)
            {
                continue;
            }
            if (value is not string s || !StacDateTime.TryParse(s, out _, out _))
            {
                throw new StacFormatException($"property '{name}' must be an RFC 3339 timestamp, got {JsonValueWriter.ToJson(value, false)}");
            }
        }
        if (properties.Get("datetime") is null &&
            (properties.Get("start_datetime") is null || properties.Get("end_datetime") is null))
        {
            throw new StacFormatException("datetime is null or missing, so start_datetime and end_datetime are required");
        }
    }

    /// <summary>The Item as a JSON object in the conventional member order.</summary>
    public JsonMap ToJson()
    {
        var map = new JsonMap(12 + AdditionalFields.Count)
        {
            ["type"] = "Feature",
            ["stac_version"] = StacVersion,
            ["stac_extensions"] = StacExtensions.ConvertAll(e => (object?)e),
            ["id"] = Id,
            ["geometry"] = Geometry,
        };
        if (Bbox is not null) map["bbox"] = Bbox.Select(b => (object?)b).ToList();
        map["properties"] = Properties;
        map["links"] = Links.ConvertAll(l => (object?)l.ToJson());
        var assets = new JsonMap(Assets.Count);
        foreach (var (key, asset) in Assets)
        {
            assets[key] = asset.ToJson();
        }
        map["assets"] = assets;
        if (Collection is not null) map["collection"] = Collection;
        foreach (var (name, value) in AdditionalFields)
        {
            map[name] = value;
        }
        return map;
    }

    /// <summary>The Item as JSON for a writer: an Item holding a number JSON cannot hold is refused before any of it is written.</summary>
    /// <exception cref="StacFormatException">A number in the Item is NaN or Infinity; the message names the member.</exception>
    public JsonMap ToWritableJson()
    {
        var json = ToJson();
        try
        {
            ThrowIfNotFinite(json);
        }
        catch (StacFormatException ex)
        {
            throw new StacFormatException($"cannot be written: {ex.Reason}") { ItemId = Id };
        }
        return json;
    }

    /// <summary>
    /// JSON has no NaN or Infinity, but .NET reads a number beyond the double range (1e400) as
    /// Infinity and scripts can set NaN; such an Item could never be written back as JSON.
    /// </summary>
    private static void ThrowIfNotFinite(JsonMap json)
    {
        if (JsonValues.FindNonFiniteNumber(json) is var (path, number))
        {
            var what = double.IsNaN(number) ? "NaN" : "out of range (a number beyond ±1.8e308 reads as Infinity)";
            throw new StacFormatException($"{path} is {what}: JSON numbers cannot be NaN or Infinity");
        }
    }

    public override string ToString() => Id;
}
