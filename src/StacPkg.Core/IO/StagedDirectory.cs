namespace StacPkg.Core.IO;

/// <summary>
/// A directory built under a hidden temporary name beside its target and moved into place only on
/// <see cref="Commit"/>: a failed or stopped build leaves the target as it was.
/// </summary>
internal class StagedDirectory
{
    private readonly bool _replace;
    private readonly StagedDirectoryKind _kind;
    private readonly FileStream _lock;
    private bool _committed;

    public StagedDirectory(string target, bool replace, StagedDirectoryKind kind)
    {
        _replace = replace;
        _kind = kind;
        Target = CheckTarget(target, replace, kind, out _);
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
    /// The full path of a directory to build at <paramref name="target"/>, and whether it would replace
    /// one; throws as the build would when it cannot (so -WhatIf can say so before anything is written).
    /// </summary>
    /// <exception cref="Exception">Of <paramref name="kind"/>: the parent folder is missing, a file has the name, or one of the kind (without replace) or another folder is there.</exception>
    public static string CheckTarget(string target, bool replace, StagedDirectoryKind kind, out bool replaces)
    {
        var full = Path.GetFullPath(target).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        var parent = Path.GetDirectoryName(full);
        if (parent is null || !Directory.Exists(parent))
        {
            throw kind.Error($"cannot create the {kind.Noun} '{full}': the folder '{parent}' does not exist");
        }
        if (File.Exists(full))
        {
            throw kind.Error($"cannot create the {kind.Noun} '{full}': a file of that name exists");
        }
        replaces = Directory.Exists(full);
        if (replaces)
        {
            if (!replace)
            {
                throw kind.Error($"the {kind.Noun} '{full}' already exists; use -Force to replace it");
            }
            if (!IsReplaceable(full, kind))
            {
                throw kind.Error($"'{full}' is a folder that is not a {kind.Noun}; it is not replaced");
            }
        }
        return full;
    }

    public string Target { get; }

    /// <summary>Where the content is written until it is committed.</summary>
    public string TempPath { get; }

    /// <summary>
    /// Moves the built directory into place in one no-replace rename, so whatever took the name while
    /// it was built (a folder of the user's, another run's result) is never touched. With replace,
    /// the one there is renamed aside first, checked to be of the kind, and deleted only once the new
    /// one is in place.
    /// </summary>
    /// <exception cref="Exception">Of the kind: the name was taken meanwhile (without replace), by something not of the kind (with replace), or again between the two renames.</exception>
    public void Commit()
    {
        var noun = _kind.Noun;
        if (AtomicRename.TryMove(TempPath, Target))
        {
            _committed = true;
            return;
        }
        if (!_replace)
        {
            throw _kind.Error($"'{Target}' appeared while the {noun} was built; it is left as it is; use -Force to replace a {noun}");
        }
        var aside = ScratchFiles.NewName(Target, "old");
        if (!TryMoveAside(aside))
        {
            // It went away between the two renames: the name is free again, unless someone is quicker.
            if (!AtomicRename.TryMove(TempPath, Target))
            {
                throw _kind.Error($"'{Target}' keeps being taken by something else while the {noun} is committed; it is left as it is");
            }
            _committed = true;
            return;
        }
        if (!IsReplaceable(aside, _kind))
        {
            var back = AtomicRename.TryMove(aside, Target);
            throw _kind.Error(back
                ? $"'{Target}' is a folder that is not a {noun}; it is not replaced"
                : $"'{Target}' was a folder that is not a {noun} and is kept at '{aside}': something else took its name meanwhile");
        }
        if (!AtomicRename.TryMove(TempPath, Target))
        {
            throw _kind.Error($"'{Target}' was taken by something else while the {noun} was committed; the {noun} that was there is kept at '{aside}'");
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

    /// <summary>Force replaces one of the kind (or an empty folder), never some other folder or a file that happens to be named the same.</summary>
    private static bool IsReplaceable(string path, StagedDirectoryKind kind) =>
        Directory.Exists(path) && !File.Exists(path)
        && (kind.IsOne(path) || !Directory.EnumerateFileSystemEntries(path).Any());

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
