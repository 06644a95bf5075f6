using StacPkg.Core.Stac;

namespace StacPkg.Core.GeoParquet;

/// <summary>The Collections found in a file's metadata, and the entries that are not readable as one (each a sentence naming it).</summary>
public sealed record StacCollectionRead(IReadOnlyList<StacCollection> Collections, IReadOnlyList<string> Problems);
