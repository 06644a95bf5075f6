using System.Management.Automation;

namespace StacPkg.PowerShell;

/// <summary>Folder names completed as PowerShell completes paths (relative to the current location, quoted when needed).</summary>
internal static class FolderCompleter
{
    /// <summary>The folders that match the word; a result's ToolTip is the folder's full path.</summary>
    public static IEnumerable<CompletionResult> Complete(string wordToComplete) =>
        CompletionCompleters.CompleteFilename(wordToComplete)
            .Where(r => r.ResultType == CompletionResultType.ProviderContainer);
}
