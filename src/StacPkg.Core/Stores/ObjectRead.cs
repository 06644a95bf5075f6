namespace StacPkg.Core.Stores;

/// <summary>An object's content, opened for reading, with the facts the store reported for it; the caller disposes <see cref="Content"/>.</summary>
public sealed record ObjectRead(Stream Content, ObjectFacts Facts);
