using StacPkg.Core.Json;

namespace StacPkg.Core.GeoParquet;

/// <summary>What shredding a spooled record needs besides the record: shared member names and the row group's text arena.</summary>
internal sealed class ShredContext
{
    public KeyCache Keys { get; } = new();

    public CharArena Strings { get; } = new();
}
