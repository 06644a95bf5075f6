using System.Management.Automation;
using StacPkg.Core.Enrichment;
using StacPkg.Core.Stac;

namespace StacPkg.PowerShell.Command;

/// <summary>
/// <para type="synopsis">Removes an alternate location (alternate.&lt;name&gt;) from an asset of each STAC Item.</para>
/// </summary>
/// <remarks>Only the Item copies emitted change; nothing is deleted from any store, so there is no -WhatIf.</remarks>
[Cmdlet(VerbsCommon.Remove, "StacAlternateAsset")]
[OutputType(typeof(StacItem))]
public sealed class RemoveStacAlternateAssetCommand : StacCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public StacItem[] InputObject { get; set; } = [];

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(AssetKeyCompleter))]
    public string AssetKey { get; set; } = "";

    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

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
                WriteObject(AlternateAssets.Remove(item, AssetKey, Name));
            }
            catch (StacEnrichmentException ex)
            {
                WriteError(StacErrors.EnrichmentTargetMissing(ex, item));
            }
        }
    }
}
