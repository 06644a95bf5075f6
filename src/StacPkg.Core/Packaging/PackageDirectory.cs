namespace StacPkg.Core.Packaging;

/// <summary>
/// A package directory built under a hidden temporary name beside its target and moved into place
/// only on <see cref="Commit"/>: a failed or stopped build leaves the target as it was.
/// </summary>
internal sealed class PackageDirectory
{
    private bool _committed;

    public PackageDirectory(string target, bool replace)
    {
        Target = Path.GetFullPath(target).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        var parent = Path.GetDirectoryName(Target);
        if (parent is null || !Directory.Exists(parent))
        {
            throw new StacPackageException($"cannot create the package '{Target}': the folder '{parent}' does not exist");
        }
        if (File.Exists(Target))
        {
            throw new StacPackageException($"cannot create the package '{Target}': a file of that name exists");
        }
        if (Directory.Exists(Target))
        {
            if (!replace)
            {
                throw new StacPackageException($"the package '{Target}' already exists; use -Force to replace it");
            }
            // Force replaces a package, never some other folder that happens to be named the same.
            if (!StacPackageLayout.IsPackage(Target) && Directory.EnumerateFileSystemEntries(Target).Any())
            {
                throw new StacPackageException($"'{Target}' is a folder that is not a package; it is not replaced");
            }
        }
        TempPath = Path.Combine(parent, $".{Path.GetFileName(Target)}.{Guid.NewGuid():N}.tmp");
        Directory.CreateDirectory(TempPath);
    }

    public string Target { get; }

    /// <summary>Where the content is written until it is committed.</summary>
    public string TempPath { get; }

    /// <summary>
    /// Moves the built package into place. An existing package is renamed aside first and deleted
    /// only once the new one is in place, so a failure at any point leaves one whole package there.
    /// </summary>
    public void Commit()
    {
        if (!Directory.Exists(Target))
        {
            Directory.Move(TempPath, Target);
            _committed = true;
            return;
        }
        var aside = Path.Combine(Path.GetDirectoryName(Target)!, $".{Path.GetFileName(Target)}.{Guid.NewGuid():N}.old");
        Directory.Move(Target, aside);
        try
        {
            Directory.Move(TempPath, Target);
        }
        catch
        {
            Directory.Move(aside, Target);
            throw;
        }
        _committed = true;
        TryDelete(aside);
    }

    /// <summary>Without a commit, removes the temporary directory.</summary>
    public void Abandon()
    {
        if (!_committed)
        {
            TryDelete(TempPath);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover hidden folder is harmless, a masked original error is not.
        }
    }
}
