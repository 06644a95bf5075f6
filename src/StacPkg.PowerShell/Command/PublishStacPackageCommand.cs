using System.Collections;
using System.Globalization;
using System.Management.Automation;
using StacPkg.Core.Oci;

namespace StacPkg.PowerShell.Command;

/// <summary>
/// <para type="synopsis">Pushes a package directory to an OCI registry as a stacpkg artifact and returns its descriptor.</para>
/// </summary>
/// <remarks>
/// Blobs the registry already has are not uploaded again (so a second push of the same package
/// uploads nothing), and the same package always gives the same manifest digest. Only the files
/// the package defines are sent and no link is followed: a package holding links or files it does
/// not define is refused (PackageHasUndefinedContent) unless -SkipUndefinedContent, before anything
/// is sent, and one whose files differ from its manifest is refused (PackageFileMismatch): before
/// anything is sent, or, for a file that looks untouched since the manifest, when its hash as it is
/// uploaded is not the recorded one (nothing is tagged).
/// </remarks>
[Cmdlet(VerbsData.Publish, "StacPackage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(OciPackageDescriptor))]
public sealed class PublishStacPackageCommand : OciCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LiteralPath")]
    public string Path { get; set; } = "";

    /// <summary>Manifest annotations (for example org.opencontainers.image.created); none by default.</summary>
    [Parameter]
    public Hashtable? Annotation { get; set; }

    /// <summary>A repository of the same registry to mount blobs from instead of uploading them.</summary>
    [Parameter]
    public string? MountFrom { get; set; }

    /// <summary>Blobs up to this size go in one request; larger ones in chunks of this size (64MiB by default).</summary>
    [Parameter]
    [ByteSize]
    public long ChunkSize { get; set; } = OciRegistryOptions.DefaultChunkSize;

    /// <summary>Publishes a package that holds links or files it does not define, leaving them out (with a warning naming them).</summary>
    [Parameter]
    public SwitchParameter SkipUndefinedContent { get; set; }

    protected override void ProcessRecord()
    {
        var directories = FileSystemPaths.ResolveDirectories(this, Path, literal: true);
        if (directories.Count != 1)
        {
            return;
        }
        var package = directories[0];
        var reference = OciTransfer.Reference(this);
        if (ChunkSize is < 1024 * 1024 or > int.MaxValue)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentOutOfRangeException(nameof(ChunkSize), $"-ChunkSize {ChunkSize} must be between 1MiB and 2GiB."),
                "InvalidChunkSize", ErrorCategory.InvalidArgument, ChunkSize));
        }
        if (!ShouldProcess(reference.ToString(), $"Publish STAC package '{package}'"))
        {
            return;
        }
        var options = new OciPublishOptions
        {
            Annotations = Annotations(),
            MountFrom = string.IsNullOrEmpty(MountFrom) ? null : MountFrom,
            SkipUndefinedContent = SkipUndefinedContent,
        };
        var registry = OciTransfer.Options(this, reference, (int)ChunkSize);
        var descriptor = OciTransfer.Run(this, (progress, token) => OciPackagePublisher.PublishAsync(package, reference, registry, options, progress, token),
            $"Publishing {package} to {reference}", reference.ToString(), "PackageNotReadable");
        if (descriptor.Skipped.Count > 0)
        {
            WriteWarning($"Published '{package}' without what it does not define: {StacPkg.Core.Packaging.StacPackageEntry.Summarize(descriptor.Skipped)}.");
        }
        WriteObject(descriptor);
    }

    private Dictionary<string, string> Annotations()
    {
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Annotation ?? [])
        {
            var key = Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? "";
            annotations[key] = entry.Value is DateTime time
                ? time.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)
                : Convert.ToString(entry.Value is PSObject ps ? ps.BaseObject : entry.Value, CultureInfo.InvariantCulture) ?? "";
        }
        return annotations;
    }
}
