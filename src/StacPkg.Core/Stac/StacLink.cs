using StacPkg.Core.Json;

namespace StacPkg.Core.Stac;

/// <summary>One link of an Item; fields beyond rel, href, type and title are kept in <see cref="AdditionalFields"/>.</summary>
public sealed class StacLink
{
    public string Rel { get; set; } = "";
    public string Href { get; set; } = "";
    public string? Type { get; set; }
    public string? Title { get; set; }
    public JsonMap AdditionalFields { get; set; } = new();

    internal static StacLink FromJson(int index, JsonMap map)
    {
        var link = new StacLink();
        foreach (var (name, value) in map)
        {
            switch (name)
            {
                case "rel" when value is string rel:
                    link.Rel = rel;
                    break;
                case "href" when value is string href:
                    link.Href = href;
                    break;
                case "type" when value is string or null:
                    link.Type = (string?)value;
                    break;
                case "title" when value is string or null:
                    link.Title = (string?)value;
                    break;
                case "rel" or "href":
                    throw new StacFormatException($"link #{index + 1}: {name} must be a string");
                default:
                    link.AdditionalFields[name] = value;
                    break;
            }
        }
        if (!map.ContainsKey("href") || !map.ContainsKey("rel"))
        {
            throw new StacFormatException($"link #{index + 1} needs both rel and href");
        }
        return link;
    }

    public JsonMap ToJson()
    {
        var map = new JsonMap(AdditionalFields.Count + 4) { ["rel"] = Rel, ["href"] = Href };
        if (Type is not null) map["type"] = Type;
        if (Title is not null) map["title"] = Title;
        foreach (var (name, value) in AdditionalFields)
        {
            map[name] = value;
        }
        return map;
    }

    public override string ToString() => $"{Rel}: {Href}";
}
