namespace StacPkg.Core.Oci;

/// <summary>
/// What a push or pull did: the manifest's reference, digest, size and types, and how many blobs
/// moved. A push counts blobs uploaded, already present and mounted; a pull counts blobs downloaded.
/// </summary>
public sealed class OciPackageDescriptor
{
    /// <summary>The reference as given (registry/repository:tag).</summary>
    public string Reference { get; init; } = "";

    /// <summary>The manifest digest (sha256:…): pin it with registry/repository@digest.</summary>
    public string Digest { get; init; } = "";

    /// <summary>The manifest's size in bytes.</summary>
    public long Size { get; init; }

    public string MediaType { get; init; } = OciMediaTypes.ImageManifest;
    public string ArtifactType { get; init; } = OciMediaTypes.Package;

    /// <summary>The package directory pushed or written.</summary>
    public string Path { get; init; } = "";

    public int Layers { get; init; }
    public int BlobsUploaded { get; init; }
    public int BlobsPresent { get; init; }
    public int BlobsMounted { get; init; }
    public int BlobsDownloaded { get; init; }

    /// <summary>Blob bytes sent or received (not counting blobs that were already there).</summary>
    public long BytesTransferred { get; init; }

    /// <summary>A push: the links and files in the folder that the package does not define, left out.</summary>
    public IReadOnlyList<StacPkg.Core.Packaging.StacPackageEntry> Skipped { get; init; } = [];

    public override string ToString() => $"{Reference}@{Digest}";
}
