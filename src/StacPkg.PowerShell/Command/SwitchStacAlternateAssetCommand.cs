using System.Management.Automation;
using StacPkg.Core.Enrichment;
using StacPkg.Core.Stac;

namespace StacPkg.PowerShell.Command;

/// <summary>
/// <para type="synopsis">Makes an alternate of an asset its primary href; the old primary href is kept as an alternate.</para>
/// </summary>
[Cmdlet(VerbsCommon.Switch, "StacAlternateAsset")]
[OutputType(typeof(StacItem))]
public sealed class SwitchStacAlternateAssetCommand : StacCmdlet
{
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public StacItem[] InputObject { get; set; } = [];

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(AssetKeyCompleter))]
    public string AssetKey { get; set; } = "";

    /// <summary>The alternate to promote.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Name { get; set; } = "";

    /// <summary>The alternate name the old primary href is kept under; by default -Name (a swap).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PreviousName { get; set; }

    /// <summary>Replaces an alternate that already holds -PreviousName instead of refusing the Item.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

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
                WriteObject(AlternateAssets.Switch(item, AssetKey, Name, PreviousName, Force));
            }
            catch (AlternateNameTakenException ex)
            {
                WriteError(StacErrors.AlternateNameTaken(ex, item));
            }
            catch (StacEnrichmentException ex)
            {
                WriteError(StacErrors.EnrichmentTargetMissing(ex, item));
            }
        }
    }
}
