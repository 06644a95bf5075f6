using StacPkg.Core.Json;

namespace StacPkg.Core.Stac;

/// <summary>An Item as JSON text.</summary>
public static class StacItemJson
{
    public static string Serialize(StacItem item, bool indented) => JsonValueWriter.ToJson(Writable(item), indented);

    /// <summary>
    /// What a JSON writer writes for <paramref name="item"/>: its record while untouched (written
    /// without building the Item), else <see cref="StacItem.ToWritableJson"/>; the same text either way.
    /// </summary>
    /// <exception cref="StacFormatException">The Item holds a number JSON cannot hold.</exception>
    internal static object Writable(StacItem item) => (object?)item.Record ?? item.ToWritableJson();
}
