using System.Management.Automation;
using StacPkg.Core.GeoParquet;
using StacPkg.Core.Stac;

namespace StacPkg.PowerShell.Command;

/// <summary>
/// <para type="synopsis">Streams STAC Items from .json, .ndjson/.jsonl (optionally .gz) and .parquet/.geoparquet files, and from hive-partitioned folders of Parquet files.</para>
/// </summary>
[Cmdlet(VerbsData.Import, "StacItem", DefaultParameterSetName = PathSet)]
[OutputType(typeof(StacItem))]
public sealed class ImportStacItemCommand : StacItemReaderCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    private WildcardPattern[]? _collections;
    private WildcardPattern[]? _ids;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
    [SupportsWildcards]
    public string[] Path { get; set; } = [];

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>Only Items whose collection matches one of these patterns.</summary>
    [Parameter]
    [SupportsWildcards]
    public string[]? Collection { get; set; }

    /// <summary>Only Items whose id matches one of these patterns.</summary>
    [Parameter]
    [SupportsWildcards]
    public string[]? Id { get; set; }

    protected override void BeginProcessing()
    {
        _collections = Patterns(Collection);
        _ids = Patterns(Id);
    }

    protected override void ProcessRecord()
    {
        var literal = ParameterSetName == LiteralPathSet;
        // A folder is read as a partitioned dataset; -Collection skips other collections' partitions unopened.
        WriteItemsFromFiles(literal ? LiteralPath : Path, literal, Keep,
            (folder, cancellationToken) => PartitionedItemReader.ReadAsync(folder, c => Matches(_collections, c), cancellationToken));
    }

    private bool Keep(StacItem item) => Matches(_collections, item.Collection) && Matches(_ids, item.Id);

    private static bool Matches(WildcardPattern[]? patterns, string? value) =>
        patterns is null || (value is not null && Array.Exists(patterns, p => p.IsMatch(value)));

    private static WildcardPattern[]? Patterns(string[]? values) =>
        values is null ? null : Array.ConvertAll(values, v => WildcardPattern.Get(v, WildcardOptions.IgnoreCase));
}
