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
    /// <summary>
    /// The existing files a path argument names; writes a non-terminating error for each argument
    /// that names none, and for each directory it names (a directory is not a file to read) unless
    /// the caller reads such <paramref name="folders"/>.
    /// </summary>
    public static List<string> ResolveExisting(StacCmdlet cmdlet, string path, bool literal, Func<string, bool>? folders = null)
    {
        var files = new List<string>();
        foreach (var resolved in Resolve(cmdlet, path, literal, literalMustExist: true))
        {
            if (Directory.Exists(resolved) && folders?.Invoke(resolved) != true)
            {
                cmdlet.WriteError(StacErrors.DirectoryNotFile(path, resolved));
            }
            else
            {
                files.Add(resolved);
            }
        }
        return files;
    }

    /// <summary>
    /// The provider paths a path argument names, or none after writing a non-terminating error. As for
    /// Get-Item, a -Path that matches nothing is an error naming it, and a -Path that exists as
    /// written is taken literally even if it has wildcard characters (New-StacPackage creates
    /// 'pkg [1]' by that name). A -LiteralPath that does not exist is an error if
    /// <paramref name="literalMustExist"/>; otherwise the caller reports it.
    /// </summary>
    private static List<string> Resolve(StacCmdlet cmdlet, string path, bool literal, bool literalMustExist)
    {
        ProviderInfo provider;
        List<string> resolved;
        try
        {
            var unresolved = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _);
            if (File.Exists(unresolved) || Directory.Exists(unresolved) || !IsFileSystem(provider) || literal && !literalMustExist)
            {
                resolved = [unresolved];
            }
            else
            {
                resolved = literal ? [] : [.. cmdlet.GetResolvedProviderPathFromPSPath(path, out provider)];
            }
        }
        catch (ItemNotFoundException)
        {
            cmdlet.WriteError(StacErrors.PathNotFound(path));
            return [];
        }
        if (resolved.Count == 0)
        {
            cmdlet.WriteError(StacErrors.PathNotFound(path));
            return [];
        }
        if (!IsFileSystem(provider))
        {
            cmdlet.WriteError(StacErrors.NotFileSystemPath(path, provider));
            return [];
        }
        return resolved;
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

    /// <summary>
    /// The directories (packages) a path argument names; writes a non-terminating error for a -Path
    /// that matches nothing. A -LiteralPath is passed on as it is, for the caller to say there is no
    /// package there.
    /// </summary>
    public static List<string> ResolveDirectories(StacCmdlet cmdlet, string path, bool literal) =>
        Resolve(cmdlet, path, literal, literalMustExist: false);

    /// <summary>The lock files a path argument names: a package directory stands for the lock inside it, so `Import-StacAssetLock ./my.pkg` works.</summary>
    public static List<string> ResolveLocks(StacCmdlet cmdlet, string path, bool literal) =>
        ResolveInPackages(cmdlet, path, literal, AssetLockFile.FileName, "PackageLockNotFound");

    /// <summary>
    /// The files a path argument names, where a package directory stands for its file
    /// <paramref name="fileName"/>; a directory without it is a non-terminating error <paramref name="missingId"/>.
    /// </summary>
    public static List<string> ResolveInPackages(StacCmdlet cmdlet, string path, bool literal, string fileName, string missingId)
    {
        var files = new List<string>();
        foreach (var resolved in Resolve(cmdlet, path, literal, literalMustExist: true))
        {
            var inside = Path.Combine(resolved, fileName);
            if (!Directory.Exists(resolved))
            {
                files.Add(resolved);
            }
            else if (File.Exists(inside))
            {
                files.Add(inside);
            }
            else
            {
                cmdlet.WriteError(new ErrorRecord(new FileNotFoundException($"The directory '{path}' has no {fileName}; it is not a package."),
                    missingId, ErrorCategory.ObjectNotFound, path));
            }
        }
        return files;
    }

    private static bool IsFileSystem(ProviderInfo provider) =>
        provider.ImplementingType == typeof(FileSystemProvider);
}
