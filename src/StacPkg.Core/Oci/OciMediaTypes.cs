namespace StacPkg.Core.Oci;

/// <summary>The media types of a stacpkg artifact (DESIGN.md, OCI), shared with other stacpkg implementations.</summary>
public static class OciMediaTypes
{
    public const string ImageManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string Empty = "application/vnd.oci.empty.v1+json";
    public const string Package = "application/vnd.stacpkg.package.v1+json";
    public const string Items = "application/vnd.stacpkg.items.v1.parquet";
    public const string AssetLock = "application/vnd.stacpkg.asset-lock.v1.parquet";
    public const string Asset = "application/vnd.stacpkg.asset.v1";
    public const string FilesZip = "application/vnd.stacpkg.files.v1+zip";

    /// <summary>The layer annotation holding a file's path relative to the package.</summary>
    public const string TitleAnnotation = "org.opencontainers.image.title";
}
