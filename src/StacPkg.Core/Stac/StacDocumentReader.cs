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

    /// <summary>
    /// The Item the UTF-8 JSON text of one document is, kept as its record (<see cref="StacItemRecord"/>);
    /// null when that fast path refuses it (a Collection, an invalid or unusual document): read it then with <see cref="Read"/>.
    /// </summary>
    internal StacItem? TryReadRecord(ReadOnlySpan<byte> utf8)
    {
        var item = StacItemRecord.TryReadItem(utf8);
        if (item is not null)
        {
            item.StacCollection = Collections.Find(item.Collection);
        }
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
        var item = StacItem.FromJson(json);
        item.StacCollection = Collections.Find(item.Collection);
        return item;
    }
}
