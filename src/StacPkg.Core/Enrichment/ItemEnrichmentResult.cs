using StacPkg.Core.Stac;

namespace StacPkg.Core.Enrichment;

/// <summary>What enriching one Item gave: the Item to emit, how many assets matched a lock row, and warnings to show.</summary>
public sealed record ItemEnrichmentResult(StacItem Item, int MatchedAssets, IReadOnlyList<string> Warnings);
