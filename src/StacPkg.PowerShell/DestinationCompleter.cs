using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace StacPkg.PowerShell;

/// <summary>Completes a store destination: the URI schemes of the object stores, and local folders.</summary>
public sealed class DestinationCompleter : IArgumentCompleter
{
    private static readonly string[] Schemes = ["s3://", "az://"];

    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        // Bucket and container names are the user's to type: listing them would need credentials.
        if (wordToComplete.Contains("://", StringComparison.Ordinal))
        {
            return [];
        }
        var schemes = Schemes
            .Where(s => s.StartsWith(wordToComplete, StringComparison.OrdinalIgnoreCase))
            .Select(s => new CompletionResult(s, s, CompletionResultType.ParameterValue, $"{s}… object store destination"));
        return schemes.Concat(FolderCompleter.Complete(wordToComplete));
    }
}
