namespace StacPkg.Core.Oci;

/// <summary>What to push besides the package's own content.</summary>
public sealed record OciPublishOptions
{
    /// <summary>Manifest annotations the user gives (none by default, so that the digest depends on the content alone).</summary>
    public IReadOnlyDictionary<string, string> Annotations { get; init; } = new Dictionary<string, string>();

    /// <summary>A repository of the same registry to mount blobs from before uploading them; null for none.</summary>
    public string? MountFrom { get; init; }

    /// <summary>More bundled asset files than this go into zip layers.</summary>
    public int ZipThreshold { get; init; } = OciPackageLayers.DefaultZipThreshold;

    /// <summary>Publish a package that holds links or files it does not define, leaving them out, instead of refusing it.</summary>
    public bool SkipUndefinedContent { get; init; }
}
