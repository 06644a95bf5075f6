using System.Management.Automation;
using StacPkg.Core.Enrichment;
using StacPkg.Core.Stac;

namespace StacPkg.PowerShell.Command;

/// <summary>
/// <para type="synopsis">Enriches STAC Items from an asset lock: file:size and file:checksum on each locked asset, and optionally the locked href as an alternate.</para>
/// </summary>
/// <remarks>
/// Emits changed copies; the input Items are never modified. Items with no lock rows pass through as they came.
/// </remarks>
[Cmdlet(VerbsData.Update, "StacItem")]
[OutputType(typeof(StacItem))]
public sealed class UpdateStacItemCommand : StacCmdlet
{
    private AssetLockEnricher? _enricher;

    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public StacItem[] InputObject { get; set; } = [];

    /// <summary>AssetLockEntry objects, or the path of a lock file or package.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    public object[] AssetLock { get; set; } = [];

    /// <summary>Writes each lock row's href as alternate.&lt;key&gt;.href on its asset.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? AlternateKey { get; set; }

    /// <summary>The alternate:name written into that alternate entry (needs -AlternateKey).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? AlternateName { get; set; }

    protected override void BeginProcessing()
    {
        if (AlternateName is not null && AlternateKey is null)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("-AlternateName needs -AlternateKey."),
                "AlternateNameWithoutKey", ErrorCategory.InvalidArgument, AlternateName));
        }
        _enricher = new AssetLockEnricher(AssetLockArgument.Read(this, AssetLock), AlternateKey, AlternateName);
    }

    protected override void ProcessRecord()
    {
        foreach (var item in InputObject)
        {
            if (item is null)
            {
                continue;
            }
            var result = _enricher!.Enrich(item);
            foreach (var warning in result.Warnings)
            {
                WriteWarning(warning);
            }
            if (result.MatchedAssets == 0)
            {
                WriteVerbose($"Item '{item.Id}' has no rows in the lock; passed through unchanged.");
            }
            WriteObject(result.Item);
        }
    }
}
