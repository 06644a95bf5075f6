namespace StacPkg.Core.Stores;

/// <summary>What a store says about an object: the facts a lock records and validation compares.</summary>
public sealed record ObjectFacts(long? SizeBytes, string? ETag, DateTimeOffset? LastModified, string? ContentType);
