using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using StacPkg.Core.Stac;

namespace StacPkg.PowerShell;

/// <summary>
/// Completes -AssetKey: with the keys of Items given to -InputObject when they are at hand, else with
/// the asset keys STAC catalogs use most.
/// </summary>
public sealed class AssetKeyCompleter : IArgumentCompleter
{
    private static readonly string[] CommonKeys =
        ["data", "visual", "thumbnail", "overview", "metadata", "image", "cog", "rendered_preview", "tilejson", "mtl", "ang", "qa_pixel"];

    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var pattern = WildcardPattern.Get(wordToComplete + "*", WildcardOptions.IgnoreCase);
        IEnumerable<string> keys = KeysOf(fakeBoundParameters["InputObject"]) ?? (IEnumerable<string>)CommonKeys;
        return keys.Distinct(StringComparer.Ordinal)
            .Where(pattern.IsMatch)
            .Order(StringComparer.OrdinalIgnoreCase)
            .Select(k => new CompletionResult(k, k, CompletionResultType.ParameterValue, k));
    }

    private static List<string>? KeysOf(object? value)
    {
        if (value is null)
        {
            return null;
        }
        var items = LanguagePrimitives.GetEnumerable(PSObject.AsPSObject(value).BaseObject)?.Cast<object>() ?? [value];
        var keys = items.Select(i => PSObject.AsPSObject(i).BaseObject).OfType<StacItem>().SelectMany(i => i.Assets.Keys).ToList();
        return keys.Count > 0 ? keys : null;
    }
}
