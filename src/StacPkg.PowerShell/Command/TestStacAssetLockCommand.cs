using System.Management.Automation;
using StacPkg.Core.Lock;
using StacPkg.Core.Stores;

namespace StacPkg.PowerShell.Command;

/// <summary>
/// <para type="synopsis">Checks each asset lock row against its store: size, ETag, last-modified and, with -Checksum, the content hash.</para>
/// </summary>
/// <remarks>
/// Rows stream into the check as they arrive and a result is written as each check completes, so a
/// long lock shows results from its first rows on. An invalid row is a result with Valid = $false
/// plus a non-terminating error, so a script run ends with a failing exit code when any asset does
/// not match.
/// </remarks>
[Cmdlet(VerbsDiagnostic.Test, "StacAssetLock", DefaultParameterSetName = ResultSet)]
[OutputType(typeof(AssetValidationResult), ParameterSetName = [ResultSet])]
[OutputType(typeof(bool), ParameterSetName = [QuietSet])]
public sealed class TestStacAssetLockCommand : ShardedLockCmdlet
{
    private const string ResultSet = "Result";
    private const string QuietSet = "Quiet";
    private const int ProgressActivityId = 0x5AC4;

    private ObjectStores? _stores;
    private StreamingOperation<AssetLockEntry, AssetValidationResult>? _operation;
    private ProgressThrottle? _progress;
    private long _checked;
    private long _invalid;
    private AssetShard? _shard;
    private string? _location;

    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public AssetLockEntry[] InputObject { get; set; } = [];

    /// <summary>How many rows are checked at once.</summary>
    [Parameter]
    [ValidateRange(1, 1024)]
    public int ThrottleLimit { get; set; } = AssetValidationOptions.DefaultThrottleLimit;

    /// <summary>Also reads each object and compares its sha2-256 multihash with the row's file_checksum.</summary>
    [Parameter]
    public SwitchParameter Checksum { get; set; }

    /// <summary>S3-compatible endpoint for s3 rows that name none.</summary>
    [Parameter]
    public string? EndpointUrl { get; set; }

    /// <summary>Returns one bool, $true when every row is valid, instead of a result per row.</summary>
    [Parameter(Mandatory = true, ParameterSetName = QuietSet)]
    public SwitchParameter Quiet { get; set; }

    protected override void BeginProcessing()
    {
        EndpointUrlArgument.Check(this, EndpointUrl);
        _shard = ShardArgument.Resolve(this, ShardIndex, ShardCount);
        _location = SessionState.Path.CurrentFileSystemLocation.ProviderPath;
        _stores = new ObjectStores(new StoreOptions
        {
            S3EndpointUrl = EndpointUrl,
            BaseDirectory = _location,
        });
        _progress = new ProgressThrottle(this, ProgressActivityId, "Checking asset lock rows against their stores");
        _operation = new(this, Start, Emit, OperationFailed);
    }

    protected override void ProcessRecord()
    {
        foreach (var entry in InputObject)
        {
            if (entry is not null && _shard?.Contains(entry) != false)
            {
                _operation!.Feed(entry);
            }
        }
    }

    protected override void EndProcessing()
    {
        _operation!.Complete();
        _progress!.Complete();
        if (Quiet)
        {
            WriteObject(_invalid == 0);
        }
    }

    private IAsyncEnumerable<AssetValidationResult> Start(IAsyncEnumerable<AssetLockEntry> input, CancellationToken cancellationToken) =>
        new AssetValidator(_stores!.For, new AssetValidationOptions
        {
            ThrottleLimit = ThrottleLimit,
            Checksum = Checksum,
            // A check copies nothing anywhere: any path is read, but a package's bundled rows inside their package.
            LocalSources = LocalPathPolicy.AnyPath(_location),
        })
            .ValidateAsync(input, cancellationToken);

    private void Emit(AssetValidationResult result)
    {
        _checked++;
        if (!result.Valid)
        {
            _invalid++;
        }
        // -Quiet is a yes/no question, as Test-Path answers one: the bool is the whole answer, so
        // it writes neither the rows nor their error records.
        if (!Quiet)
        {
            // The result first: under -ErrorAction Stop the error ends the pipeline, and the result
            // that explains it should already be out.
            WriteObject(result);
            if (!result.Valid)
            {
                WriteError(StacErrors.AssetInvalid(result));
            }
        }
        _progress!.Report(() => $"{_checked} rows checked, {_invalid} invalid");
    }

    private static ErrorRecord OperationFailed(Exception error) =>
        new(error, "AssetValidationFailed", ErrorCategory.NotSpecified, null);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // The operation first (it uses the stores), then the stores.
            _operation?.Dispose();
            _stores?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            _stores = null;
        }
        base.Dispose(disposing);
    }
}
