using System.Collections;
using System.Management.Automation;
using StacPkg.Core.Json;
using StacPkg.Core.Stac;

namespace StacPkg.PowerShell;

/// <summary>
/// Reads a -StacCollection argument: StacCollection objects, Collection JSON text, or objects as
/// Invoke-RestMethod / ConvertFrom-Json return them (and hashtables), in any mix. A value that is
/// not a Collection, or two different Collections with the same id, end the command: a file
/// written without the Collection the user gave would look complete and not be.
/// </summary>
internal static class StacCollectionArgument
{
    public static List<StacCollection> Read(StacCmdlet cmdlet, object[] values)
    {
        var collections = new StacCollectionSet();
        var position = 0;
        foreach (var value in values)
        {
            position++;
            var collection = Convert(cmdlet, value, position);
            if (!collections.Add(collection))
            {
                cmdlet.ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException($"-StacCollection: two different Collections have the id '{collection.Id}'; give one of them."),
                    "DuplicateStacCollection", ErrorCategory.InvalidArgument, value));
            }
        }
        return [.. collections.Sorted()];
    }

    private static StacCollection Convert(StacCmdlet cmdlet, object? value, int position)
    {
        var unwrapped = value is PSObject wrapped && wrapped.BaseObject is not PSCustomObject ? wrapped.BaseObject : value;
        try
        {
            return unwrapped switch
            {
                StacCollection collection => collection,
                string text => StacCollection.Parse(text),
                PSObject or IDictionary => PSObjectJsonConverter.ToJsonValue(value) is JsonMap map
                    ? StacCollection.FromJson(map)
                    : throw new StacFormatException("a Collection must be a JSON object"),
                _ => throw new StacFormatException(
                    $"expected a StacCollection, Collection JSON text or an object from Invoke-RestMethod, not {unwrapped?.GetType().Name ?? "null"}"),
            };
        }
        catch (StacFormatException ex)
        {
            // Text split into lines (Get-Content without -Raw) is the common way to get JSON that does not parse.
            var hint = unwrapped is string && ex.InnerException is not null ? "; read a JSON file with Get-Content -Raw" : "";
            cmdlet.ThrowTerminatingError(new ErrorRecord(
                new ArgumentException($"-StacCollection value #{position}: {ex.Reason.TrimEnd('.')}{hint}.", ex),
                "InvalidStacCollection", ErrorCategory.InvalidData, value));
            throw; // not reached: ThrowTerminatingError does not return
        }
    }
}
