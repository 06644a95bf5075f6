namespace StacPkg.Core.Stores;

/// <summary>One object of a store listing: where it is and what the listing says about it.</summary>
public sealed record StoredObject(AssetLocation Location, ObjectFacts Facts);
