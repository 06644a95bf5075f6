using System.Management.Automation;
using System.Runtime.CompilerServices;
using StacPkg.Core.Lock;

namespace StacPkg.PowerShell.Command;

/// <summary>
/// <para type="synopsis">Writes AssetLockEntry objects to an asset lock parquet file (schema v1).</para>
/// </summary>
/// <remarks>
/// Rows stream into the file as they arrive. The file appears under its name only when every row was
/// written: a duplicate (item, asset) row, a row that breaks a row rule (no item id or asset key, an
/// unknown store type, a negative size, a malformed checksum or timestamp: each such row is a
/// non-terminating error), a failure or Ctrl+C leaves the target as it was (absent, or the previous lock).
/// </remarks>
[Cmdlet(VerbsData.Export, "StacAssetLock", DefaultParameterSetName = PathSet, SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportStacAssetLockCommand : StacCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";
    private const int ProgressActivityId = 0x5AC5;

    private string _target = "";
    private bool _accepted;
    private ProgressThrottle? _progress;
    private StreamingOperation<AssetLockEntry, long>? _operation;
    private long _fed;
    private long _rows;
    private bool _refused;

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet)]
    public string Path { get; set; } = "";

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    public string LiteralPath { get; set; } = "";

    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public AssetLockEntry[] InputObject { get; set; } = [];

    /// <summary>Writes the created file to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void BeginProcessing()
    {
        var literal = ParameterSetName == LiteralPathSet;
        _target = FileSystemPaths.ResolveOutput(this, literal ? LiteralPath : Path, literal);
        // One decision for the whole file, as Export-Csv asks; declined, the input is consumed and ignored.
        _accepted = ShouldProcess(_target, "Export asset lock");
        _progress = new ProgressThrottle(this, ProgressActivityId, $"Writing asset lock {_target}");
        _operation = new(this, Start, Emit, OperationFailed);
    }

    protected override void ProcessRecord()
    {
        if (!_accepted)
        {
            return;
        }
        foreach (var entry in InputObject)
        {
            if (entry is null)
            {
                continue;
            }
            _rows++;
            // Each bad row is reported and the rest still checked, so one run names them all; the file is then not written.
            if (AssetLockRowRules.Describe(entry) is { } problem)
            {
                _refused = true;
                WriteError(new ErrorRecord(new AssetLockException(_target, _rows, problem), "AssetLockRowRefused", ErrorCategory.InvalidData, entry));
            }
            else if (!_refused)
            {
                _operation!.Feed(entry);
                _fed++;
                _progress!.Report(() => $"{_fed} rows written");
            }
        }
    }

    protected override void EndProcessing()
    {
        if (!_accepted || _refused)
        {
            // Without Complete, Dispose cancels the write: no file, or the previous lock as it was.
            return;
        }
        // No input at all still makes a lock (Complete starts the write): an empty one, as an empty selection deserves.
        _operation!.Complete();
        _progress!.Complete();
    }

    private IAsyncEnumerable<long> Start(IAsyncEnumerable<AssetLockEntry> input, CancellationToken cancellationToken) =>
        WriteAsync(input, cancellationToken);

    // The write as a one-result stream, so it runs beside the pipeline like the other streaming cmdlets.
    private async IAsyncEnumerable<long> WriteAsync(IAsyncEnumerable<AssetLockEntry> input, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        yield return await AssetLockFile.WriteAsync(_target, input, cancellationToken).ConfigureAwait(false);
    }

    private void Emit(long rows)
    {
        if (PassThru)
        {
            WriteObject(new FileInfo(_target));
        }
    }

    private ErrorRecord OperationFailed(Exception error) => error is AssetLockException lockError
        // A lock with a duplicate or incomplete row would be ambiguous: no file rather than a wrong one.
        ? new ErrorRecord(lockError, "AssetLockRowRefused", ErrorCategory.InvalidData, _target)
        : StacErrors.FileWriteFailed(error, _target);

    /// <summary>Reached without EndProcessing when the pipeline failed or was stopped: the write is cancelled and no file appears.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _operation?.Dispose();
        }
        base.Dispose(disposing);
    }
}
