using StacPkg.Core.Json;

namespace StacPkg.Core.Stac;

/// <summary>
/// Reads the JSON documents of Item input (a file, pipeline text or objects): Items, and STAC
/// Collections (a catalog dump holds both). A Collection is not an Item and not an error: it is
/// remembered, and each Item of that collection read after it carries it
/// (<see cref="StacItem.StacCollection"/>), so a GeoParquet writer stores it.
/// </summary>
public sealed class StacDocumentReader
{
    /// <summary>The Collections met so far; a later document of the same id replaces an earlier one.</summary>
    public StacCollectionSet Collections { get; } = new();

    /// <summary>Gives <paramref name="item"/> the Collection of its <see cref="StacItem.Collection"/> when one was met before it.</summary>
    internal StacItem Attach(StacItem item)
    {
        item.StacCollection = Collections.Find(item.Collection);
        return item;
    }

    /// <summary>The Item <paramref name="json"/> is, or null when it is a Collection.</summary>
    /// <exception cref="StacFormatException">The document is neither a valid Item nor a valid Collection.</exception>
    public StacItem? Read(JsonMap json)
    {
        if (json.Get("type") is StacCollection.CollectionType)
        {
            Collections.Set(StacCollection.FromJson(json));
            return null;
        }
        return Attach(StacItem.FromJson(json));
    }
}
