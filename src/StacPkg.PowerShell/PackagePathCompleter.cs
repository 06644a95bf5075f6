using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using StacPkg.Core.Lock;
using StacPkg.Core.Packaging;

namespace StacPkg.PowerShell;

/// <summary>
/// Completes a package path: the matching folders that hold a package first, then the other folders,
/// so a user can still walk down to a package. Files are not offered: a package is a folder.
/// </summary>
public sealed class PackagePathCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var folders = FolderCompleter.Complete(wordToComplete).ToList();
        return folders.Where(IsPackage).Concat(folders.Where(f => !IsPackage(f)));
    }

    // The names are constants, compiled in: completion does not load StacPkg.Core.
    private static bool IsPackage(CompletionResult folder) =>
        File.Exists(Path.Combine(folder.ToolTip, StacPackageLayout.ItemsFileName))
        && File.Exists(Path.Combine(folder.ToolTip, AssetLockFile.FileName));
}
