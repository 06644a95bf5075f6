using StacPkg.Core.Json;

namespace StacPkg.Core.Stac;

/// <summary>
/// A STAC Item. The fields every Item has are typed; <see cref="Properties"/>, asset and link extras
/// and unknown top-level fields (<see cref="AdditionalFields"/>) keep their JSON values, so nothing
/// in the input is lost on the way to GeoParquet and back.
/// </summary>
/// <remarks>
/// An Item a reader made from its record (<see cref="StacItemRecord"/>) stays that record until a
/// member other than <see cref="Id"/>, <see cref="Collection"/> and <see cref="StacCollection"/> is
/// read or set: then it is built as objects once, and from there on it is an ordinary Item whose
/// writers serialise what the objects hold now, changes included.
/// </remarks>
public sealed class StacItem
{
    public const string DefaultStacVersion = "1.1.0";

    [ThreadStatic]
    private static KeyCache? t_keys;

    private StacItemRecord? _record;
    private string _id = "";
    private string? _collection;
    private JsonMap? _geometry;
    private double[]? _bbox;
    private JsonMap _properties = new();
    private Dictionary<string, StacAsset> _assets = new(StringComparer.Ordinal);
    private List<StacLink> _links = new();
    private List<string> _stacExtensions = new();
    private string _stacVersion = DefaultStacVersion;
    private JsonMap _additionalFields = new();

    public StacItem() { }

    /// <summary>An Item that is <paramref name="record"/> until a script touches it; <paramref name="id"/> and <paramref name="collection"/> are the record's.</summary>
    internal StacItem(StacItemRecord record, string id, string? collection)
    {
        _record = record;
        _id = id;
        _collection = collection;
    }

    public string Id { get => _id; set { Materialize(); _id = value; } }

    public string? Collection { get => _collection; set { Materialize(); _collection = value; } }

    /// <summary>GeoJSON geometry object, or null.</summary>
    public JsonMap? Geometry { get { Materialize(); return _geometry; } set { Materialize(); _geometry = value; } }

    /// <summary>[xmin, ymin, xmax, ymax] or [xmin, ymin, zmin, xmax, ymax, zmax], or null.</summary>
    public double[]? Bbox { get { Materialize(); return _bbox; } set { Materialize(); _bbox = value; } }

    public JsonMap Properties { get { Materialize(); return _properties; } set { Materialize(); _properties = value; } }

    public Dictionary<string, StacAsset> Assets { get { Materialize(); return _assets; } set { Materialize(); _assets = value; } }

    public List<StacLink> Links { get { Materialize(); return _links; } set { Materialize(); _links = value; } }

    public List<string> StacExtensions { get { Materialize(); return _stacExtensions; } set { Materialize(); _stacExtensions = value; } }

    public string StacVersion { get { Materialize(); return _stacVersion; } set { Materialize(); _stacVersion = value; } }

    /// <summary>Top-level fields that are not part of the Item specification.</summary>
    public JsonMap AdditionalFields { get { Materialize(); return _additionalFields; } set { Materialize(); _additionalFields = value; } }

    /// <summary>
    /// The Collection of <see cref="Collection"/> when the input held it (a GeoParquet file's
    /// metadata, a Collection document before the Item in JSON input); never part of the Item's
    /// JSON. A GeoParquet writer stores it in the file's metadata.
    /// </summary>
    public StacCollection? StacCollection { get; set; }

    /// <summary>The <c>datetime</c> property as an instant; null when it is null (a range item) or absent.</summary>
    public DateTimeOffset? Datetime =>
        Properties.Get("datetime") is string s && StacDateTime.TryParse(s, out var value, out _) ? value : null;

    /// <summary>The record this Item still is, or null once it was built as objects (or never was a record).</summary>
    internal StacItemRecord? Record => _record;

    /// <summary>The Item as a writer takes it: its record while untouched, else made from its objects now.</summary>
    /// <exception cref="StacFormatException">The Item holds a number JSON cannot hold.</exception>
    internal StacItemRecord ToRecord() => _record ?? StacItemRecord.FromItem(this);

    /// <summary>Builds the objects of an Item that is still its record; from then on the objects are the Item.</summary>
    private void Materialize()
    {
        if (_record is not { } record)
        {
            return;
        }
        // Cleared first: the setters Parse calls on the new Item must not come back here.
        _record = null;
        var parsed = Parse(record.ToJsonMap(t_keys ??= new KeyCache()));
        _geometry = parsed._geometry;
        _bbox = parsed._bbox;
        _properties = parsed._properties;
        _assets = parsed._assets;
        _links = parsed._links;
        _stacExtensions = parsed._stacExtensions;
        _stacVersion = parsed._stacVersion;
        _additionalFields = parsed._additionalFields;
    }

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

    internal static Dictionary<string, StacAsset> ParseAssets(object? value)
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
