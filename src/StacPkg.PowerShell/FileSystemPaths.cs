using System.Management.Automation;
using Microsoft.PowerShell.Commands;
using StacPkg.Core.Lock;

namespace StacPkg.PowerShell;

/// <summary>
/// Turns -Path (wildcards) and -LiteralPath arguments into file-system paths through the PowerShell
/// provider, so relative paths follow the session's current location, PSDrives work, and a path on
/// another provider is refused with a clear error.
/// </summary>
internal static class FileSystemPaths
{
    /// <summary>The existing files a path argument names; writes a non-terminating error for each that names none.</summary>
    public static List<string> ResolveExisting(StacCmdlet cmdlet, string path, bool literal)
    {
        var files = new List<string>();
        ProviderInfo provider;
        try
        {
            if (literal)
            {
                var resolved = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _);
                if (!File.Exists(resolved) && IsFileSystem(provider))
                {
                    cmdlet.WriteError(StacErrors.PathNotFound(path));
                    return files;
                }
                files.Add(resolved);
            }
            else
            {
                files.AddRange(cmdlet.GetResolvedProviderPathFromPSPath(path, out provider));
            }
        }
        catch (ItemNotFoundException)
        {
            cmdlet.WriteError(StacErrors.PathNotFound(path));
            return files;
        }
        if (!IsFileSystem(provider))
        {
            cmdlet.WriteError(StacErrors.NotFileSystemPath(path, provider));
            files.Clear();
        }
        return files;
    }

    /// <summary>
    /// The file a path argument names for writing; it need not exist. A -Path with wildcards must
    /// match exactly one existing item, as for Out-File. Throws a terminating error otherwise.
    /// </summary>
    public static string ResolveOutput(StacCmdlet cmdlet, string path, bool literal)
    {
        ProviderInfo provider;
        string resolved;
        if (!literal && WildcardPattern.ContainsWildcardCharacters(path))
        {
            var matches = cmdlet.GetResolvedProviderPathFromPSPath(path, out provider);
            if (matches.Count != 1)
            {
                cmdlet.ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException($"The path '{path}' matches {matches.Count} items; it must name exactly one file."),
                    "AmbiguousPath", ErrorCategory.InvalidArgument, path));
            }
            resolved = matches[0];
        }
        else
        {
            resolved = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _);
        }
        if (!IsFileSystem(provider))
        {
            cmdlet.ThrowTerminatingError(StacErrors.NotFileSystemPath(path, provider));
        }
        return resolved;
    }

    /// <summary>The existing directories (packages) a path argument names; writes a non-terminating error for each that names none.</summary>
    public static List<string> ResolveDirectories(StacCmdlet cmdlet, string path, bool literal)
    {
        var directories = new List<string>();
        ProviderInfo provider;
        try
        {
            if (literal)
            {
                directories.Add(cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _));
            }
            else
            {
                directories.AddRange(cmdlet.GetResolvedProviderPathFromPSPath(path, out provider));
            }
        }
        catch (ItemNotFoundException)
        {
            cmdlet.WriteError(StacErrors.PathNotFound(path));
            return directories;
        }
        if (!IsFileSystem(provider))
        {
            cmdlet.WriteError(StacErrors.NotFileSystemPath(path, provider));
            directories.Clear();
        }
        return directories;
    }

    /// <summary>The lock files a path argument names: a package directory stands for the lock inside it, so `Import-StacAssetLock ./my.pkg` works.</summary>
    public static List<string> ResolveLocks(StacCmdlet cmdlet, string path, bool literal)
    {
        var provider = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out _, out _);
        if (Directory.Exists(provider))
        {
            var inside = Path.Combine(provider, AssetLockFile.FileName);
            if (!File.Exists(inside))
            {
                cmdlet.WriteError(new ErrorRecord(new FileNotFoundException($"The directory '{path}' has no {AssetLockFile.FileName}; it is not a package."),
                    "PackageLockNotFound", ErrorCategory.ObjectNotFound, path));
                return [];
            }
            return [inside];
        }
        return ResolveExisting(cmdlet, path, literal);
    }

    private static bool IsFileSystem(ProviderInfo provider) =>
        provider.ImplementingType == typeof(FileSystemProvider);
}
