using StacPkg.Core.IO;

namespace StacPkg.Core.Packaging;

/// <summary>
/// A package directory built under a hidden temporary name beside its target and moved into place
/// only on <see cref="StagedDirectory.Commit"/>: a failed or stopped build leaves the target as it was.
/// </summary>
internal sealed class PackageDirectory(string target, bool replace) : StagedDirectory(target, replace, Kind)
{
    private static readonly StagedDirectoryKind Kind = new("package", StacPackageLayout.IsPackage, message => new StacPackageException(message));

    /// <inheritdoc cref="StagedDirectory.CheckTarget"/>
    /// <exception cref="StacPackageException">The folder is missing, a file has the name, or a package (without replace) or another folder is there.</exception>
    public static string CheckTarget(string target, bool replace, out bool replaces) =>
        CheckTarget(target, replace, Kind, out replaces);
}
