using System.Management.Automation;
using StacPkg.Core.GeoParquet;
using StacPkg.Core.Packaging;
using StacPkg.Core.Stac;

namespace StacPkg.PowerShell.Command;

/// <summary>
/// <para type="synopsis">Gets the STAC Collections stored in the metadata of a STAC GeoParquet Items file or a package's items.parquet.</para>
/// </summary>
/// <remarks>
/// Only the file's footer is read, not its rows. A metadata entry that is not a readable Collection
/// is a non-terminating error naming the file and the entry; the other Collections are still written.
/// </remarks>
[Cmdlet(VerbsCommon.Get, "StacCollection", DefaultParameterSetName = PathSet)]
[OutputType(typeof(StacCollection))]
public sealed class GetStacCollectionCommand : StacCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    private WildcardPattern[]? _ids;

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
    [SupportsWildcards]
    public string[] Path { get; set; } = [];

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>Only Collections whose id matches one of these patterns.</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Id { get; set; }

    protected override void BeginProcessing() =>
        _ids = Id is null ? null : Array.ConvertAll(Id, v => WildcardPattern.Get(v, WildcardOptions.IgnoreCase));

    protected override void ProcessRecord()
    {
        var literal = ParameterSetName == LiteralPathSet;
        foreach (var path in literal ? LiteralPath : Path)
        {
            foreach (var file in FileSystemPaths.ResolveInPackages(this, path, literal, StacPackageLayout.ItemsFileName, "PackageItemsNotFound"))
            {
                WriteCollections(file);
            }
        }
    }

    private void WriteCollections(string file)
    {
        StacCollectionRead read;
        try
        {
            var extension = System.IO.Path.GetExtension(file);
            if (!extension.Equals(".parquet", StringComparison.OrdinalIgnoreCase) && !extension.Equals(".geoparquet", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"'{file}' is not a STAC GeoParquet file: Collections are read from a .parquet or .geoparquet Items file, or a package folder");
            }
            read = Wait(new ValueTask<StacCollectionRead>(StacGeoParquetMetadata.ReadAsync(file, CancellationToken)));
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            WriteError(StacErrors.FileReadFailed(ex, file));
            return;
        }
        foreach (var problem in read.Problems)
        {
            WriteError(new ErrorRecord(new StacFormatException(problem) { InputName = file },
                "InvalidStacCollection", ErrorCategory.InvalidData, file));
        }
        foreach (var collection in read.Collections)
        {
            if (_ids is null || Array.Exists(_ids, p => p.IsMatch(collection.Id)))
            {
                WriteObject(collection);
            }
        }
    }
}
