using System.Collections;
using System.Management.Automation;
using StacPkg.Core.Json;
using StacPkg.Core.Stac;

namespace StacPkg.PowerShell.Command;

/// <summary>
/// <para type="synopsis">Converts STAC JSON (text in any chunking, or objects from Invoke-RestMethod / ConvertFrom-Json) into StacItem objects.</para>
/// </summary>
[Cmdlet(VerbsData.ConvertFrom, "StacJson", DefaultParameterSetName = InputObjectSet)]
[OutputType(typeof(StacItem))]
public sealed class ConvertFromStacJsonCommand : StacItemReaderCmdlet
{
    private const string InputObjectSet = "InputObject";
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    /// <summary>All pipeline text of one run is one stream, so a document may span any number of strings.</summary>
    private StacJsonStream? _text;
    private long _objectItems;

    /// <summary>Collections met in text and in objects alike are attached to the Items after them.</summary>
    private readonly StacDocumentReader _documents = new();

    /// <summary>
    /// JSON text (whole documents, NDJSON lines, or lines of a pretty-printed document), or objects
    /// as Invoke-RestMethod and ConvertFrom-Json return them: an Item, a FeatureCollection / STAC
    /// API search page, or an array of Items.
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
    [AllowNull]
    [AllowEmptyString]
    [AllowEmptyCollection]
    public object? InputObject { get; set; }

    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
    [SupportsWildcards]
    public string[] Path { get; set; } = [];

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    public string[] LiteralPath { get; set; } = [];

    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case PathSet:
                WriteItemsFromFiles(Path, literal: false);
                break;
            case LiteralPathSet:
                WriteItemsFromFiles(LiteralPath, literal: true);
                break;
            default:
                ProcessInput(InputObject);
                break;
        }
    }

    protected override void EndProcessing()
    {
        if (_text is not null)
        {
            WriteResults(_text.Complete(), target: null);
        }
    }

    private void ProcessInput(object? input)
    {
        var value = input is PSObject wrapped && wrapped.BaseObject is not PSCustomObject ? wrapped.BaseObject : input;
        switch (value)
        {
            case null:
                break;
            case string text:
                // The newline that Get-Content and native commands strip ends the line again, so NDJSON
                // lines stay separate and a pretty-printed document split into lines reads as written.
                _text ??= new StacJsonStream(documents: _documents);
                WriteResults(_text.Push(text + "\n"), text);
                break;
            case StacItem item:
                WriteObject(item);
                break;
            // From Get-StacCollection: the Items after it carry it, as with a Collection document.
            case StacCollection collection:
                _documents.Collections.Set(collection);
                break;
            // Get-ChildItem *.ndjson | ConvertFrom-StacJson: the files bind here, not to -LiteralPath.
            case FileInfo file:
                WriteItemsFromFiles([file.FullName], literal: true);
                break;
            case PSObject or IDictionary:
                ProcessDocument(value, input!);
                break;
            // An array given to -InputObject, or one that reached us unenumerated: each element is an input.
            case IEnumerable sequence:
                foreach (var element in sequence)
                {
                    ProcessInput(element);
                }
                break;
            default:
                WriteError(new ErrorRecord(
                    new ArgumentException($"Cannot convert a {value.GetType().Name} to a STAC Item: expected JSON text, or an object from ConvertFrom-Json or Invoke-RestMethod."),
                    "UnsupportedInput", ErrorCategory.InvalidArgument, input));
                break;
        }
    }

    private void ProcessDocument(object document, object target)
    {
        object? json;
        try
        {
            json = PSObjectJsonConverter.ToJsonValue(document);
        }
        catch (StacFormatException ex)
        {
            WriteError(StacErrors.InvalidItem(ex.At(index: ++_objectItems), target));
            return;
        }
        switch (json)
        {
            case JsonMap map when map.Get("type") is "FeatureCollection" || (!map.ContainsKey("type") && map.Get("features") is List<object?>):
                if (map.Get("features") is List<object?> features)
                {
                    features.ForEach(feature => WriteItem(feature, feature));
                }
                else
                {
                    WriteError(StacErrors.InvalidItem(new StacFormatException("a FeatureCollection needs a features array").At(index: ++_objectItems), target));
                }
                break;
            default:
                WriteItem(json, target);
                break;
        }
    }

    private void WriteItem(object? json, object? target)
    {
        var index = ++_objectItems;
        try
        {
            var item = json is JsonMap map
                ? _documents.Read(map)
                : throw new StacFormatException("not a STAC Item: expected a JSON object");
            if (item is not null)
            {
                WriteObject(item);
            }
        }
        catch (StacFormatException ex)
        {
            WriteError(StacErrors.InvalidItem(ex.At(index: index), target));
        }
    }

    private void WriteResults(IReadOnlyList<StacReadResult> results, string? target)
    {
        foreach (var result in results)
        {
            if (result.Error is { } error)
            {
                WriteError(StacErrors.InvalidItem(error, target ?? (object?)error.Line));
            }
            else if (result.Item is { } item)
            {
                WriteObject(item);
            }
        }
    }
}
