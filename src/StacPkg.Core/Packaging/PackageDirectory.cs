using StacPkg.Core.IO;

namespace StacPkg.Core.Packaging;

/// <summary>
/// A package directory built under a hidden temporary name beside its target and moved into place
/// only on <see cref="Commit"/>: a failed or stopped build leaves the target as it was.
/// </summary>
internal sealed class PackageDirectory
{
    private readonly bool _replace;
    private readonly FileStream _lock;
    private bool _committed;

    public PackageDirectory(string target, bool replace)
    {
        _replace = replace;
        Target = CheckTarget(target, replace, out _);
        ScratchFiles.RemoveStaleBeside(Target);
        TempPath = ScratchFiles.NewName(Target, "tmp");
        // Held until the folder is committed or abandoned: it tells the next run that this one is alive.
        _lock = new FileStream(ScratchFiles.Sibling(TempPath, "lock"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        try
        {
            Directory.CreateDirectory(TempPath);
        }
        catch
        {
            _lock.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The full path of a package to build at <paramref name="target"/>, and whether it would replace
    /// one; throws as the build would when it cannot (so -WhatIf can say so before anything is written).
    /// </summary>
    /// <exception cref="StacPackageException">The folder is missing, a file has the name, or a package (without replace) or another folder is there.</exception>
    public static string CheckTarget(string target, bool replace, out bool replaces)
    {
        var full = Path.GetFullPath(target).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        var parent = Path.GetDirectoryName(full);
        if (parent is null || !Directory.Exists(parent))
        {
            throw new StacPackageException($"cannot create the package '{full}': the folder '{parent}' does not exist");
        }
        if (File.Exists(full))
        {
            throw new StacPackageException($"cannot create the package '{full}': a file of that name exists");
        }
        replaces = Directory.Exists(full);
        if (replaces)
        {
            if (!replace)
            {
                throw new StacPackageException($"the package '{full}' already exists; use -Force to replace it");
            }
            if (!IsReplaceable(full))
            {
                throw new StacPackageException($"'{full}' is a folder that is not a package; it is not replaced");
            }
        }
        return full;
    }

    public string Target { get; }

    /// <summary>Where the content is written until it is committed.</summary>
    public string TempPath { get; }

    /// <summary>
    /// Moves the built package into place in one no-replace rename, so whatever took the name while
    /// the package was built (a folder of the user's, another run's package) is never touched. With
    /// replace, the package there is renamed aside first, checked to be a package, and deleted only
    /// once the new one is in place.
    /// </summary>
    /// <exception cref="StacPackageException">The name was taken meanwhile (without replace), by something that is not a package (with replace), or again between the two renames.</exception>
    public void Commit()
    {
        if (AtomicRename.TryMove(TempPath, Target))
        {
            _committed = true;
            return;
        }
        if (!_replace)
        {
            throw new StacPackageException($"'{Target}' appeared while the package was built; it is left as it is; use -Force to replace a package");
        }
        var aside = ScratchFiles.NewName(Target, "old");
        if (!TryMoveAside(aside))
        {
            // It went away between the two renames: the name is free again, unless someone is quicker.
            if (!AtomicRename.TryMove(TempPath, Target))
            {
                throw new StacPackageException($"'{Target}' keeps being taken by something else while the package is committed; it is left as it is");
            }
            _committed = true;
            return;
        }
        if (!IsReplaceable(aside))
        {
            var back = AtomicRename.TryMove(aside, Target);
            throw new StacPackageException(back
                ? $"'{Target}' is a folder that is not a package; it is not replaced"
                : $"'{Target}' was a folder that is not a package and is kept at '{aside}': something else took its name meanwhile");
        }
        if (!AtomicRename.TryMove(TempPath, Target))
        {
            throw new StacPackageException($"'{Target}' was taken by something else while the package was committed; the package that was there is kept at '{aside}'");
        }
        _committed = true;
        TryDelete(aside);
    }

    private bool TryMoveAside(string aside)
    {
        try
        {
            return AtomicRename.TryMove(Target, aside);
        }
        catch (IOException) when (!Path.Exists(Target))
        {
            return false;
        }
    }

    /// <summary>Force replaces a package (or an empty folder), never some other folder or a file that happens to be named the same.</summary>
    private static bool IsReplaceable(string path) =>
        Directory.Exists(path) && !File.Exists(path)
        && (StacPackageLayout.IsPackage(path) || !Directory.EnumerateFileSystemEntries(path).Any());

    /// <summary>Without a commit, removes the temporary directory; either way lets go of the run's lock.</summary>
    public void Abandon()
    {
        if (!_committed)
        {
            TryDelete(TempPath);
        }
        _lock.Dispose();
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
