namespace StacPkg.Core.Packaging;

/// <summary>One file of a package: its path relative to the package (with '/'), media type, size and sha256 digest (hex).</summary>
public sealed record StacPackageFile(string Path, string MediaType, long Size, string Sha256);
