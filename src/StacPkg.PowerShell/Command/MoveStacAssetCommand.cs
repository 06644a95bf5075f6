using System.Management.Automation;
using StacPkg.Core.Lock;
using StacPkg.Core.Relocation;
using StacPkg.Core.Stores;

namespace StacPkg.PowerShell.Command;

/// <summary>
/// <para type="synopsis">Relocates (copies) locked assets to a folder, S3 or Azure Blob destination and writes the new lock rows. Sources are never deleted.</para>
/// </summary>
/// <remarks>
/// Rows stream into the relocation as they arrive; each result is written as its copy completes.
/// A row that cannot be relocated is a non-terminating error with the row as target, so a script run
/// ends with a failing exit code. ShouldProcess is asked per copy, naming its target, so -Confirm
/// asks row by row and -WhatIf writes each planned row without reading or writing a store.
/// </remarks>
[Cmdlet(VerbsCommon.Move, "StacAsset", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(AssetLockEntry))]
public sealed class MoveStacAssetCommand : ShardedLockCmdlet
{
    private const int ProgressActivityId = 0x5AC5;

    private ObjectStores? _stores;
    private IObjectStore? _targetStore;
    private readonly object _targetGate = new();
    private RelocationDestination? _destination;
    private AssetRelocator? _relocator;
    private StreamingOperation<AssetLockEntry, AssetRelocationResult>? _operation;
    private ProgressThrottle? _progress;
    private long _done;
    private long _copied;
    private long _skipped;
    private long _failed;
    private long _bytesCopied;
    private AssetShard? _shard;

    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public AssetLockEntry[] InputObject { get; set; } = [];

    /// <summary>A folder, s3://bucket/prefix, az://container/prefix or an Azure blob URL.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(DestinationCompleter))]
    public string Destination { get; set; } = "";

    /// <summary>S3-compatible endpoint for an s3:// destination and for s3 rows that name none.</summary>
    [Parameter]
    public string? EndpointUrl { get; set; }

    /// <summary>Only rows whose href starts with this relocate; the others pass through unchanged.</summary>
    [Parameter]
    public string? SourcePrefix { get; set; }

    /// <summary>ItemAsset: prefix/item_id/asset_key.ext; SourceKey: the source key under the prefix.</summary>
    [Parameter]
    [ValidateSet(nameof(RelocationLayout.ItemAsset), nameof(RelocationLayout.SourceKey), IgnoreCase = true)]
    public string Layout { get; set; } = nameof(RelocationLayout.ItemAsset);

    /// <summary>How many rows are copied at once.</summary>
    [Parameter]
    [ValidateRange(1, 1024)]
    public int ThrottleLimit { get; set; } = AssetRelocationOptions.DefaultThrottleLimit;

    /// <summary>Bytes all copy buffers together may hold (512MB, '1GiB').</summary>
    [Parameter]
    [ByteSize]
    public long MemoryLimit { get; set; } = AssetRelocationOptions.DefaultMemoryLimit;

    /// <summary>Bytes one copy buffers: the part or block size, and the multipart/block threshold (8MB, '8MiB').</summary>
    [Parameter]
    [ByteSize]
    public long ChunkSize { get; set; } = AssetRelocationOptions.DefaultChunkSize;

    /// <summary>How long an http(s) source may take to answer, or to send the next bytes, before the attempt fails and is retried.</summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int OperationTimeoutSeconds { get; set; } = (int)HttpStore.DefaultTimeout.TotalSeconds;

    /// <summary>Folders whose files file rows may read (default: the current location); a package's rows may also read inside their package.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? SourceRoot { get; set; }

    /// <summary>Reads file rows wherever they point, hidden files included: for locks you made yourself.</summary>
    [Parameter]
    public SwitchParameter AllowAnyLocalPath { get; set; }

    /// <summary>Overwrites an existing target that differs from the source.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void BeginProcessing()
    {
        EndpointUrlArgument.Check(this, EndpointUrl);
        _shard = ShardArgument.Resolve(this, ShardIndex, ShardCount);
        var baseDirectory = SessionState.Path.CurrentFileSystemLocation.ProviderPath;
        var storeOptions = new StoreOptions
        {
            S3EndpointUrl = EndpointUrl,
            BaseDirectory = baseDirectory,
            HttpTimeout = TimeSpan.FromSeconds(OperationTimeoutSeconds),
        };
        try
        {
            // -EndpointUrl is an S3 endpoint (as for the source rows); an Azure account comes from the blob URL or the credentials.
            var isS3 = Destination.StartsWith("s3://", StringComparison.OrdinalIgnoreCase);
            _destination = RelocationDestination.Parse(Destination, isS3 ? EndpointUrl : null, baseDirectory, AzureBlobStore.ConnectionStringEndpoint(storeOptions));
        }
        catch (FormatException ex)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException(ex.Message, nameof(Destination), ex), "InvalidDestination", ErrorCategory.InvalidArgument, Destination));
            return;
        }

        var chunkSize = ChunkSize;
        if (_destination.StoreType is "s3" or "az" && chunkSize > int.MaxValue)
        {
            ThrowInvalidSize($"-ChunkSize {ChunkSize} is larger than the largest part or block this cmdlet writes ({int.MaxValue} bytes).");
        }
        if (_destination.StoreType == "s3" && chunkSize < S3Store.MinimumPartSize)
        {
            WriteWarning($"-ChunkSize {chunkSize} is below the S3 minimum part size; using {S3Store.MinimumPartSize} bytes (5 MiB).");
            chunkSize = S3Store.MinimumPartSize;
        }

        _stores = new ObjectStores(storeOptions);
        var localSources = new LocalPathPolicy(baseDirectory, SourceRoot?.Select(SessionState.Path.GetUnresolvedProviderPathFromPSPath), AllowAnyLocalPath);
        try
        {
            _relocator = new AssetRelocator(_destination, StoreFor, new AssetRelocationOptions
            {
                Layout = Enum.Parse<RelocationLayout>(Layout, ignoreCase: true),
                SourcePrefix = string.IsNullOrEmpty(SourcePrefix) ? null : SourcePrefix,
                ThrottleLimit = ThrottleLimit,
                ChunkSize = chunkSize,
                MemoryLimit = MemoryLimit,
                Force = Force,
                LocalSources = localSources,
            });
        }
        catch (ArgumentException ex)
        {
            ThrowInvalidSize($"-MemoryLimit {MemoryLimit} / -ChunkSize {chunkSize}: {ex.Message.Split(" (Parameter")[0]}.");
        }
        _progress = new ProgressThrottle(this, ProgressActivityId, $"Relocating assets to {Destination}");
        _operation = new(this, (input, token) => _relocator!.RelocateAsync(input, token), Emit, OperationFailed);
    }

    protected override void ProcessRecord()
    {
        foreach (var entry in InputObject)
        {
            // Rows of other shards are left to the jobs that run them: not copied, not written.
            if (entry is null || _shard?.Contains(entry) == false) continue;
            // The plan names the target, so each copy is confirmed (or shown by -WhatIf) on its own.
            var plan = _relocator!.Plan(entry);
            if (plan.Status != AssetRelocationStatus.Planned)
            {
                Emit(plan);
                continue;
            }
            var target = AssetLocation.Redact(plan.Target!.Href);
            var copy = $"{StacErrors.Describe(entry)} to {target}";
            if (ShouldProcess($"Copying {copy}.", $"Copy {copy}?", "Move-StacAsset", out var reason))
            {
                _operation!.Feed(entry);
            }
            else if ((reason & ShouldProcessReason.WhatIf) != 0)
            {
                Emit(plan);
            }
            else
            {
                WriteVerbose($"{entry}: not copied (declined)");
            }
        }
        _operation!.DrainReady();
    }

    protected override void EndProcessing()
    {
        _operation!.Complete();
        _progress!.Complete();
        WriteVerbose($"Move-StacAsset: {_copied} copied ({_bytesCopied} bytes), {_skipped} already present (skipped), {_failed} failed, {_done - _copied - _skipped - _failed} planned or passed through");
    }

    // Targets get a store whose part/block size and threshold equal the chunk size, so each copy
    // buffers no more than what it reserved against -MemoryLimit; sources use the shared stores.
    private IObjectStore StoreFor(AssetLocation location)
    {
        var destination = _destination!;
        if (location.StoreType is not ("s3" or "az") || location.StoreType != destination.StoreType
            || location.EndpointUrl != destination.EndpointUrl || location.Container != destination.Container)
        {
            return _stores!.For(location);
        }
        lock (_targetGate)
        {
            if (_targetStore is not null) return _targetStore;
            var chunk = (int)_relocator!.Options.ChunkSize;
            try
            {
                _targetStore = location.StoreType == "s3"
                    ? new S3Store(location.EndpointUrl, _stores!.Options, chunk, chunk)
                    : new AzureBlobStore(location.EndpointUrl, _stores!.Options, chunk, chunk);
            }
            catch (Exception e) when (e is not StoreException)
            {
                throw new StoreException(StoreErrorKind.Permanent, $"could not create the {location.StoreType} store client ({e.GetType().Name})", e);
            }
            return _targetStore;
        }
    }

    private void Emit(AssetRelocationResult result)
    {
        _done++;
        switch (result.Status)
        {
            case AssetRelocationStatus.Failed:
                _failed++;
                WriteError(new ErrorRecord(new InvalidOperationException(result.Error ?? $"{StacErrors.Describe(result.Source)}: not relocated"),
                    "AssetRelocationFailed", ErrorCategory.WriteError, result.Source));
                break;
            case AssetRelocationStatus.Refused:
                _failed++;
                WriteError(StacErrors.LocalPathRefused(result.Error!, result.Source));
                break;
            case AssetRelocationStatus.Copied:
                _copied++;
                _bytesCopied += result.Target?.SizeBytes ?? 0;
                WriteVerbose($"{result.Source}: copied to {AssetLocation.Redact(result.Target!.Href)} ({result.Target.SizeBytes} bytes)");
                WriteObject(result.Target);
                break;
            case AssetRelocationStatus.Skipped:
                _skipped++;
                WriteVerbose($"{result.Source}: already present at {AssetLocation.Redact(result.Target!.Href)}, skipped");
                WriteObject(result.Target);
                break;
            default:
                WriteObject(result.Target);
                break;
        }
        _progress!.Report(() => $"{_done} rows done: {_copied} copied ({_bytesCopied / (1024 * 1024)} MiB), {_skipped} already present, {_failed} failed");
    }

    private void ThrowInvalidSize(string message) =>
        ThrowTerminatingError(new ErrorRecord(new ArgumentException(message), "InvalidByteSize", ErrorCategory.InvalidArgument, null));

    private static ErrorRecord OperationFailed(Exception error) =>
        new(error, "AssetRelocationFailed", ErrorCategory.NotSpecified, null);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // The operation first (it uses the relocator and the stores), then the stores.
            _operation?.Dispose();
            _relocator?.Dispose();
            switch (_targetStore)
            {
                case IAsyncDisposable asyncDisposable:
                    asyncDisposable.DisposeAsync().AsTask().GetAwaiter().GetResult();
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
            _targetStore = null;
            _stores?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            _stores = null;
        }
        base.Dispose(disposing);
    }
}
