using StacPkg.Core.Json;

namespace StacPkg.Core.Stac;

/// <summary>An Item as JSON text.</summary>
public static class StacItemJson
{
    public static string Serialize(StacItem item, bool indented) => JsonValueWriter.ToJson(item.ToWritableJson(), indented);
}
