using System.Management.Automation;
using StacPkg.Core.GeoParquet;
using StacPkg.Core.Stac;

namespace StacPkg.PowerShell.Command;

/// <summary>
/// <para type="synopsis">Writes StacItem objects to a .parquet/.geoparquet (STAC GeoParquet), .ndjson/.jsonl or .json (FeatureCollection) file, chosen by extension.</para>
/// </summary>
/// <remarks>
/// Items are written as they arrive. The file appears under its name only when the whole input was
/// written: a failed or stopped export leaves the target as it was (absent, or the previous file).
/// With -PartitionBy, Path is a folder of hive-style partitions that appears whole or not at all.
/// </remarks>
[Cmdlet(VerbsData.Export, "StacItem", DefaultParameterSetName = PathSet, SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo), typeof(DirectoryInfo))]
public sealed class ExportStacItemCommand : StacItemWriterCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private const int ProgressActivityId = 0x5AC2;

    private IStacItemWriter? _writer;
    private string _target = "";
    private ProgressThrottle? _progress;

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet)]
    public string Path { get; set; } = "";

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    public string LiteralPath { get; set; } = "";

    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public StacItem[] InputObject { get; set; } = [];

    /// <summary>Writes the created file to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Keeps signing parameters (SAS, presigned URLs, tokens) in the hrefs written; by default they are removed with one warning.</summary>
    [Parameter]
    public SwitchParameter KeepSignedHref { get; set; }

    /// <summary>Writes a folder of GeoParquet files split by these keys, in this order (collection=x/year=2024/part-0.parquet).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public ItemPartitionKey[]? PartitionBy { get; set; }

    /// <summary>With -PartitionBy, replaces a partitioned folder already at the path (never a folder of other content).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void BeginProcessing()
    {
        var literal = ParameterSetName == LiteralPathSet;
        _target = FileSystemPaths.ResolveOutput(this, literal ? LiteralPath : Path, literal);
        CheckParquetParameters();
        var parquet = ItemFileOptions();
        // One decision for the whole file, as Export-Csv asks; declined, the input is consumed and ignored.
        if (!ShouldProcess(_target, "Export STAC Items"))
        {
            return;
        }
        try
        {
            _writer = PartitionBy is { } keys
                ? StacItemFile.CreatePartitionedWriter(_target, keys, Force, KeepSignedHref, parquet)
                : StacItemFile.CreateWriter(_target, KeepSignedHref, parquet);
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            ThrowTerminatingError(StacErrors.FileWriteFailed(ex, _target));
        }
        if (StacCollection is not null && !WritesParquet)
        {
            WriteWarning($"-StacCollection is stored only in STAC GeoParquet files (.parquet, .geoparquet); '{_target}' is written without it.");
        }
        _progress = new ProgressThrottle(this, ProgressActivityId, $"Writing STAC Items to {_target}");
    }

    /// <summary>A .parquet/.geoparquet file, or a folder of them (-PartitionBy).</summary>
    private bool WritesParquet => PartitionBy is not null || StacItemFile.IsParquet(_target);

    /// <summary>Refuses a Parquet layout parameter for a JSON target rather than ignoring it.</summary>
    private void CheckParquetParameters()
    {
        if (WritesParquet)
        {
            return;
        }
        foreach (var name in new[] { nameof(Compression), nameof(RowGroupSize), nameof(SortBy) })
        {
            if (MyInvocation.BoundParameters.ContainsKey(name))
            {
                ThrowTerminatingError(new ErrorRecord(
                    new ArgumentException($"-{name} applies to .parquet and .geoparquet files, not to '{_target}'."),
                    "ParquetParameterNotApplicable", ErrorCategory.InvalidArgument, _target));
            }
        }
    }

    protected override void ProcessRecord()
    {
        if (_writer is not { } writer)
        {
            return;
        }
        foreach (var item in InputObject)
        {
            try
            {
                Wait(writer.WriteAsync(item, CancellationToken));
            }
            catch (StacFormatException ex)
            {
                // The writer refused this Item before taking any of it: report it and go on with the rest.
                WriteError(StacErrors.InvalidItem(ex, item));
            }
            catch (Exception ex) when (ex is not PipelineStoppedException)
            {
                ThrowTerminatingError(StacErrors.FileWriteFailed(ex, _target));
            }
            WriteWarnings(writer);
            _progress!.Report(() => $"{writer.Count} items written");
        }
    }

    protected override void EndProcessing()
    {
        if (_writer is not { } writer)
        {
            return;
        }
        try
        {
            // A Parquet file is encoded only now, row group by row group: say how far it got.
            string Encoded() => $"{writer.Encoded} of {writer.Count} items encoded";
            if (WritesParquet)
            {
                _progress!.Show(Encoded());
            }
            Wait(writer.CompleteAsync(CancellationToken), () => _progress!.Report(Encoded));
        }
        catch (Exception ex) when (ex is not PipelineStoppedException)
        {
            ThrowTerminatingError(StacErrors.FileWriteFailed(ex, _target));
        }
        WriteWarnings(writer);
        _progress!.Complete();
        _writer = null;
        Wait(writer.DisposeAsync());
        if (PassThru)
        {
            WriteObject(PartitionBy is null ? new FileInfo(_target) : new DirectoryInfo(_target));
        }
    }

    /// <summary>Reached without EndProcessing when the pipeline failed or was stopped: drops the unfinished file.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing && _writer is { } writer)
        {
            _writer = null;
            writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        base.Dispose(disposing);
    }

    private void WriteWarnings(IStacItemWriter writer)
    {
        while (writer.Warnings.TryDequeue(out var warning))
        {
            WriteWarning(warning);
        }
    }
}
