using System.Management.Automation;
using StacPkg.Core.Enrichment;
using StacPkg.Core.Stac;

namespace StacPkg.PowerShell.Command;

/// <summary>
/// <para type="synopsis">Adds or replaces an alternate location (alternate.&lt;name&gt;) of an asset of each STAC Item.</para>
/// </summary>
[Cmdlet(VerbsCommon.Add, "StacAlternateAsset")]
[OutputType(typeof(StacItem))]
public sealed class AddStacAlternateAssetCommand : StacCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public StacItem[] InputObject { get; set; } = [];

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(AssetKeyCompleter))]
    public string AssetKey { get; set; } = "";

    /// <summary>The key of the entry in the asset's alternate object.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    [Parameter(Mandatory = true, Position = 2)]
    [ValidateNotNullOrEmpty]
    public string Href { get; set; } = "";

    [Parameter]
    public string? Title { get; set; }

    /// <summary>The alternate:name of the entry: a human-readable name of the location.</summary>
    [Parameter]
    public string? AlternateName { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var item in InputObject)
        {
            if (item is null)
            {
                continue;
            }
            try
            {
                WriteObject(AlternateAssets.Add(item, AssetKey, Name, Href, Title, AlternateName));
            }
            catch (StacEnrichmentException ex)
            {
                WriteError(StacErrors.EnrichmentTargetMissing(ex, item));
            }
        }
    }
}
