using System.Management.Automation;
using StacPkg.Core.GeoParquet;
using StacPkg.Core.Lock;
using StacPkg.Core.Packaging;
using StacPkg.Core.Stac;
using StacPkg.Core.Stores;

namespace StacPkg.PowerShell.Command;

/// <summary>
/// <para type="synopsis">Writes STAC Items into a package directory: items.parquet, assets.lock.parquet, and optionally the assets' bytes and extra files.</para>
/// </summary>
/// <remarks>
/// The package is built in a hidden folder beside the target and moved into place only when whole:
/// a build that fails or is stopped leaves the target as it was (absent, or the previous package).
/// The same Items in the same order give byte-identical tables.
/// </remarks>
[Cmdlet(VerbsCommon.New, "StacPackage", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(StacPackageInfo))]
public sealed class NewStacPackageCommand : StacItemWriterCmdlet
{
    private const int ProgressActivityId = 0x5AC8;

    private StacPackageWriter? _writer;
    private ObjectStores? _stores;
    private ProgressThrottle? _progress;
    private string _target = "";

    [Parameter(Mandatory = true, Position = 0)]
    [Alias("PSPath", "LiteralPath")]
    public string Path { get; set; } = "";

    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public StacItem[] InputObject { get; set; } = [];

    /// <summary>The lock to use instead of deriving one: AssetLockEntry objects, or the path of a lock file or package.</summary>
    [Parameter]
    public object[]? AssetLock { get; set; }

    /// <summary>Only assets whose key matches one of these patterns.</summary>
    [Parameter]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(AssetKeyCompleter))]
    public string[]? AssetKey { get; set; }

    /// <summary>Locks from the hrefs (and file:size / file:checksum) alone, without asking the stores.</summary>
    [Parameter]
    public SwitchParameter NoProbe { get; set; }

    /// <summary>Copies each locked asset into assets/&lt;item_id&gt;/&lt;asset_key&gt;&lt;ext&gt; and locks the copies.</summary>
    [Parameter]
    public SwitchParameter IncludeAssets { get; set; }

    /// <summary>With -IncludeAssets: folders whose files may be bundled (default: the current location); rows of a package's lock may also read inside their package.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? SourceRoot { get; set; }

    /// <summary>With -IncludeAssets: bundles local files wherever they are, hidden files included.</summary>
    [Parameter]
    public SwitchParameter AllowAnyLocalPath { get; set; }

    /// <summary>Extra files (README, licence) copied into the package root.</summary>
    [Parameter]
    public string[]? Include { get; set; }

    /// <summary>Replaces an existing package at the path.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>How many assets are probed or copied at once.</summary>
    [Parameter]
    [ValidateRange(1, 1024)]
    public int ThrottleLimit { get; set; } = AssetValidationOptions.DefaultThrottleLimit;

    /// <summary>Keeps signing parameters (SAS, presigned URLs, tokens) in the hrefs of items.parquet; by default they are removed with one warning.</summary>
    [Parameter]
    public SwitchParameter KeepSignedHref { get; set; }

    /// <summary>S3-compatible endpoint for s3:// hrefs (else AWS_ENDPOINT_URL, else AWS).</summary>
    [Parameter]
    public string? EndpointUrl { get; set; }

    protected override void BeginProcessing()
    {
        EndpointUrlArgument.Check(this, EndpointUrl);
        _target = FileSystemPaths.ResolveOutput(this, Path, literal: true);
        // -WhatIf shows what a run would do: fail as it would, or say that it replaces the package.
        var replaces = false;
        try
        {
            replaces = StacPackageWriter.WouldReplace(_target, Force);
        }
        catch (StacPackageException ex)
        {
            ThrowTerminatingError(StacErrors.PackageFailed(ex, "PackageNotWritten", _target));
        }
        // One decision for the whole package; declined, the input is consumed and ignored.
        if (!ShouldProcess(_target, replaces ? "Replace STAC package" : "Create STAC package"))
        {
            return;
        }
        var location = SessionState.Path.CurrentFileSystemLocation.ProviderPath;
        var options = new StacPackageOptions
        {
            AssetKeys = AssetKey,
            Probe = !NoProbe,
            IncludeAssets = IncludeAssets,
            Include = Include?.Select(ResolveInclude).ToList(),
            AssetLock = AssetLock is null ? null : AssetLockArgument.Read(this, AssetLock),
            Force = Force,
            ThrottleLimit = ThrottleLimit,
            KeepSignedHrefs = KeepSignedHref,
            Items = ItemFileOptions(),
            LocalSources = new LocalPathPolicy(location, SourceRoot?.Select(SessionState.Path.GetUnresolvedProviderPathFromPSPath), AllowAnyLocalPath),
        };
        // PowerShell's location, not the process's: relative hrefs are read from where the user is.
        _stores = new ObjectStores(new StoreOptions { S3EndpointUrl = EndpointUrl, BaseDirectory = location });
        try
        {
            _writer = new StacPackageWriter(_target, options, _stores);
        }
        catch (Exception ex) when (ex is StacPackageException or IOException or UnauthorizedAccessException)
        {
            ThrowTerminatingError(StacErrors.PackageFailed(ex, "PackageNotWritten", _target));
        }
        _progress = new ProgressThrottle(this, ProgressActivityId, $"Writing STAC package {_target}");
    }

    private string ResolveInclude(string path)
    {
        var files = FileSystemPaths.ResolveExisting(this, path, literal: false);
        if (files.Count != 1)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException($"-Include '{path}' must name exactly one existing file."),
                "IncludeNotFound", ErrorCategory.InvalidArgument, path));
        }
        return files[0];
    }

    protected override void ProcessRecord()
    {
        if (_writer is not { } writer)
        {
            return;
        }
        foreach (var item in InputObject)
        {
            if (item is null)
            {
                continue;
            }
            try
            {
                Wait(writer.WriteAsync(item, CancellationToken));
            }
            catch (StacFormatException ex)
            {
                WriteError(StacErrors.InvalidItem(ex, item));
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
        StacPackageInfo? info = null;
        try
        {
            // items.parquet is encoded only now, then the lock and the manifest are finished: say how far it got.
            string Encoded() => $"{writer.Encoded} of {writer.Count} items encoded into {StacPackageLayout.ItemsFileName}";
            _progress!.Show(Encoded());
            var completing = writer.CompleteAsync(CancellationToken);
            Wait(completing, () => _progress!.Report(() => writer.Encoded < writer.Count ? Encoded() : "finishing the asset lock and the manifest"));
            info = completing.Result;
        }
        catch (Exception ex) when (ex is StacPackageException or IOException or UnauthorizedAccessException or StacFormatException)
        {
            WriteWarnings(writer);
            ThrowTerminatingError(StacErrors.PackageFailed(ex, "PackageNotWritten", _target));
        }
        WriteWarnings(writer);
        _progress!.Complete();
        WriteObject(info);
    }

    private void WriteWarnings(StacPackageWriter writer)
    {
        while (writer.Warnings.TryDequeue(out var warning))
        {
            WriteWarning(warning);
        }
    }

    /// <summary>Reached without EndProcessing when the pipeline failed or was stopped: drops the unfinished package.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _writer?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            _writer = null;
            _stores?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            _stores = null;
        }
        base.Dispose(disposing);
    }
}
