namespace StacPkg.Core.Enrichment;

/// <summary>
/// A switch that would keep the old primary href under an alternate name another location already
/// holds; replacing it would lose that location without a word.
/// </summary>
public sealed class AlternateNameTakenException : StacEnrichmentException
{
    public AlternateNameTakenException(string itemId, string assetKey, string name)
        : base(itemId, assetKey, $"item '{itemId}' asset '{assetKey}' already has an alternate '{name}'; use -Force to replace it")
    {
        Name = name;
    }

    /// <summary>The alternate name that is taken.</summary>
    public string Name { get; }
}
