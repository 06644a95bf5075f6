using System.Management.Automation;
using StacPkg.Core.Oci;

namespace StacPkg.PowerShell.Command;

/// <summary>
/// <para type="synopsis">Pulls a stacpkg artifact from an OCI registry into a package directory, verifying every digest.</para>
/// </summary>
/// <remarks>
/// The package is written in a hidden folder beside -Path and moved into place only when every
/// layer arrived and matched its digest: a failed or stopped pull writes nothing under -Path.
/// </remarks>
[Cmdlet(VerbsData.Save, "StacPackage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(OciPackageDescriptor))]
public sealed class SaveStacPackageCommand : OciCmdlet
{
    /// <summary>The package directory to create.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [Alias("PSPath", "LiteralPath")]
    public string Path { get; set; } = "";

    /// <summary>Replaces an existing package at -Path.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void EndProcessing()
    {
        var target = FileSystemPaths.ResolveOutput(this, Path, literal: true);
        var reference = OciTransfer.Reference(this);
        if (!ShouldProcess(target, $"Save STAC package {reference}"))
        {
            return;
        }
        var registry = OciTransfer.Options(this, reference);
        var descriptor = OciTransfer.Run(this, (progress, token) => OciPackageSaver.SaveAsync(reference, target, Force, registry, progress, token),
            $"Saving {reference} to {target}", reference.ToString(), "PackageNotWritten");
        WriteObject(descriptor);
    }
}
