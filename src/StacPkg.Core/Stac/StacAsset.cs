using StacPkg.Core.Json;

namespace StacPkg.Core.Stac;

/// <summary>One asset of an Item: the common fields typed, every other field kept in <see cref="AdditionalFields"/>.</summary>
public sealed class StacAsset
{
    public string Href { get; set; } = "";
    public string? Type { get; set; }
    public string? Title { get; set; }
    public string? Description { get; set; }
    public List<string>? Roles { get; set; }

    /// <summary>Extension and other fields (eo:bands, file:size, …) in their JSON form.</summary>
    public JsonMap AdditionalFields { get; set; } = new();

    internal static StacAsset FromJson(string key, JsonMap map)
    {
        var asset = new StacAsset();
        foreach (var (name, value) in map)
        {
            switch (name)
            {
                case "href":
                    asset.Href = value as string ?? throw new StacFormatException($"asset '{key}': href must be a string");
                    break;
                case "type" when value is string or null:
                    asset.Type = (string?)value;
                    break;
                case "title" when value is string or null:
                    asset.Title = (string?)value;
                    break;
                case "description" when value is string or null:
                    asset.Description = (string?)value;
                    break;
                case "roles" when value is List<object?> roles && roles.TrueForAll(r => r is string):
                    asset.Roles = roles.ConvertAll(r => (string)r!);
                    break;
                default:
                    asset.AdditionalFields[name] = value;
                    break;
            }
        }
        if (!map.ContainsKey("href"))
        {
            throw new StacFormatException($"asset '{key}' has no href");
        }
        return asset;
    }

    public JsonMap ToJson()
    {
        var map = new JsonMap(AdditionalFields.Count + 5) { ["href"] = Href };
        if (Type is not null) map["type"] = Type;
        if (Title is not null) map["title"] = Title;
        if (Description is not null) map["description"] = Description;
        if (Roles is not null) map["roles"] = Roles.ConvertAll(r => (object?)r);
        foreach (var (name, value) in AdditionalFields)
        {
            map[name] = value;
        }
        return map;
    }

    public override string ToString() => Href;
}
