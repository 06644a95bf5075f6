using System.Management.Automation;
using StacPkg.Core.Stac;

namespace StacPkg.PowerShell.Command;

/// <summary>
/// <para type="synopsis">Converts StacItem objects to STAC Item JSON: indented, or one line per Item (NDJSON) with -Compress.</para>
/// </summary>
[Cmdlet(VerbsData.ConvertTo, "StacJson")]
[OutputType(typeof(string))]
public sealed class ConvertToStacJsonCommand : StacCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public StacItem[] InputObject { get; set; } = [];

    /// <summary>One line per Item, without indentation: NDJSON when written to a file.</summary>
    [Parameter]
    public SwitchParameter Compress { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var item in InputObject)
        {
            string json;
            try
            {
                json = StacItemJson.Serialize(item, indented: !Compress);
            }
            catch (StacFormatException ex)
            {
                // A value JSON cannot hold (NaN, Infinity) that a script put into the Item.
                WriteError(StacErrors.InvalidItem(ex, item));
                continue;
            }
            WriteObject(json);
        }
    }
}
