using System.Management.Automation;
using StacPkg.Core.Lock;
using StacPkg.Core.Stac;
using StacPkg.Core.Stores;

namespace StacPkg.PowerShell.Command;

/// <summary>
/// <para type="synopsis">Derives asset lock rows from STAC Items: one AssetLockEntry per asset, with size, ETag and last-modified probed from its store.</para>
/// </summary>
/// <remarks>
/// Items stream into the probes as they arrive and rows are written as each probe completes. Signed
/// query strings (SAS sig, X-Amz-Signature, …) never enter a row: they are dropped with a warning. An
/// asset that cannot be located or probed is a non-terminating error and the other assets go on.
/// </remarks>
[Cmdlet(VerbsCommon.New, "StacAssetLock")]
[OutputType(typeof(AssetLockEntry))]
public sealed class NewStacAssetLockCommand : StacCmdlet
{
    private const int ProgressActivityId = 0x5AC6;

    private AssetLockBuilder? _builder;
    private ObjectStores? _stores;
    private StreamingOperation<AssetLockEntry, AssetLockBuildResult>? _operation;
    private ProgressThrottle? _progress;
    private long _locked;

    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public StacItem[] InputObject { get; set; } = [];

    /// <summary>Only assets whose key matches one of these patterns.</summary>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(AssetKeyCompleter))]
    public string[]? AssetKey { get; set; }

    /// <summary>Also locks assets with the key or role 'metadata', which are left out by default.</summary>
    [Parameter]
    public SwitchParameter IncludeMetadata { get; set; }

    /// <summary>Writes rows from the hrefs (and file:size / file:checksum) alone, without asking the stores.</summary>
    [Parameter]
    public SwitchParameter NoProbe { get; set; }

    /// <summary>How many stores are probed at once.</summary>
    [Parameter]
    [ValidateRange(1, 1024)]
    public int ThrottleLimit { get; set; } = AssetValidationOptions.DefaultThrottleLimit;

    /// <summary>S3-compatible endpoint for s3:// hrefs (else AWS_ENDPOINT_URL, else AWS).</summary>
    [Parameter]
    public string? EndpointUrl { get; set; }

    /// <summary>
    /// The folder relative file hrefs start from; rows then hold absolute paths. Without it, relative
    /// hrefs stay relative in the rows (a package keeps working when moved) and are probed from the
    /// current location.
    /// </summary>
    [Parameter]
    public string? BaseDirectory { get; set; }

    protected override void BeginProcessing()
    {
        EndpointUrlArgument.Check(this, EndpointUrl);
        var baseDirectory = BaseDirectory is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(BaseDirectory);
        _builder = new AssetLockBuilder(new AssetLockBuildOptions
        {
            AssetKeys = AssetKey,
            IncludeMetadata = IncludeMetadata,
            BaseDirectory = baseDirectory,
            ThrottleLimit = ThrottleLimit,
        });
        if (!NoProbe)
        {
            // PowerShell's location, not the process's: they differ after Set-Location.
            _stores = new ObjectStores(new StoreOptions
            {
                S3EndpointUrl = EndpointUrl,
                BaseDirectory = baseDirectory ?? SessionState.Path.CurrentFileSystemLocation.ProviderPath,
            });
        }
        _progress = new ProgressThrottle(this, ProgressActivityId, "Locking STAC assets");
        _operation = new(this, Start, Emit, OperationFailed);
    }

    protected override void ProcessRecord()
    {
        foreach (var item in InputObject)
        {
            if (item is null)
            {
                continue;
            }
            // Deriving rows from an Item is quick and local; only the probes run concurrently.
            foreach (var result in _builder!.Build(item))
            {
                WriteWarnings();
                if (result.Entry is not { } entry || NoProbe)
                {
                    Emit(result);
                }
                else
                {
                    _operation!.Feed(entry);
                }
            }
            WriteWarnings();
        }
    }

    protected override void EndProcessing()
    {
        if (!NoProbe)
        {
            _operation!.Complete();
        }
        _builder!.ReportCounts();
        WriteWarnings();
        _progress!.Complete();
    }

    private IAsyncEnumerable<AssetLockBuildResult> Start(IAsyncEnumerable<AssetLockEntry> input, CancellationToken cancellationToken) =>
        _builder!.ProbeAsync(input, _stores!.For, cancellationToken);

    private void Emit(AssetLockBuildResult result)
    {
        WriteWarnings();
        if (result.Error is { } error)
        {
            // A probe that failed leaves no row: a row without the object's facts would lock nothing.
            WriteError(StacErrors.AssetNotLocked(result));
        }
        else if (result.Entry is { } entry)
        {
            _locked++;
            WriteObject(entry);
        }
        _progress!.Report(() => $"{_locked} assets locked");
    }

    private static ErrorRecord OperationFailed(Exception error) =>
        new(error, "AssetLockFailed", ErrorCategory.NotSpecified, null);

    // Core queues its warnings (never holding a query string); they are written here, on the pipeline thread.
    private void WriteWarnings()
    {
        while (_builder!.Warnings.TryDequeue(out var warning))
        {
            WriteWarning(warning);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // The probes first (they use the stores), then the stores.
            _operation?.Dispose();
            _stores?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            _stores = null;
        }
        base.Dispose(disposing);
    }
}
