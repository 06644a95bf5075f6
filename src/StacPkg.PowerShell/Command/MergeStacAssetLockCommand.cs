using System.Management.Automation;
using StacPkg.Core.Lock;

namespace StacPkg.PowerShell.Command;

/// <summary>
/// <para type="synopsis">Combines the asset locks written by the shards of a run (-ShardIndex / -ShardCount) into one lock.</para>
/// </summary>
/// <remarks>
/// A row found in two shard locks ends the command. With -Reference (the lock the sharded run
/// started from) each reference row no shard lock has, and each shard row the reference lacks, is
/// a non-terminating error, and the merged lock is not written, so an incomplete run never yields
/// a lock that looks whole.
/// </remarks>
[Cmdlet(VerbsData.Merge, "StacAssetLock", DefaultParameterSetName = PathSet, SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class MergeStacAssetLockCommand : StacCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    /// <summary>The shard locks (lock files or package directories); wildcards allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true)]
    public string[] Path { get; set; } = [];

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>The merged lock file to write.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string DestinationPath { get; set; } = "";

    /// <summary>The lock the sharded run started from: AssetLockEntry objects or a lock file / package path.</summary>
    [Parameter]
    public object[]? Reference { get; set; }

    /// <summary>Writes the merged file to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    private readonly List<string> _shardLocks = [];

    protected override void ProcessRecord()
    {
        var literal = ParameterSetName == LiteralPathSet;
        foreach (var path in literal ? LiteralPath : Path)
        {
            _shardLocks.AddRange(FileSystemPaths.ResolveLocks(this, path, literal));
        }
    }

    protected override void EndProcessing()
    {
        var target = FileSystemPaths.ResolveOutput(this, DestinationPath, literal: false);
        if (_shardLocks.Count == 0)
        {
            ThrowTerminatingError(new ErrorRecord(new ArgumentException("No shard lock was found: nothing to merge."), "NoShardLock", ErrorCategory.ObjectNotFound, null));
        }
        var reference = Reference is null ? null : AssetLockArgument.Read(this, Reference);
        if (!ShouldProcess(target, $"Merge {_shardLocks.Count} shard locks into an asset lock"))
        {
            return;
        }
        AssetLockMergeResult result;
        try
        {
            WriteVerbose($"Merging {string.Join(", ", _shardLocks)} into {target}.");
            var merge = AssetLockMerge.MergeAsync(_shardLocks, reference, target, CancellationToken);
            Wait(merge);
            result = merge.Result;
        }
        catch (AssetLockException ex)
        {
            ThrowTerminatingError(new ErrorRecord(ex, "AssetLockRowRefused", ErrorCategory.InvalidData, ex.Path));
            return;
        }
        catch (IOException ex)
        {
            ThrowTerminatingError(StacErrors.FileWriteFailed(ex, target));
            return;
        }
        foreach (var missing in result.MissingRows)
        {
            WriteError(new ErrorRecord(
                new InvalidOperationException($"{StacErrors.Describe(missing)}: in the reference lock but in no shard lock (its shard failed or was not run)"),
                "AssetLockRowMissing", ErrorCategory.ObjectNotFound, missing));
        }
        foreach (var (entry, shardLock) in result.UnexpectedRows)
        {
            WriteError(new ErrorRecord(
                new InvalidOperationException($"{StacErrors.Describe(entry)}: in the shard lock '{shardLock}' but not in the reference lock"),
                "AssetLockRowUnexpected", ErrorCategory.InvalidData, entry));
        }
        if (!result.Written)
        {
            WriteError(new ErrorRecord(
                new InvalidOperationException($"The merged lock '{target}' was not written: {result.MissingRows.Count} rows missing, {result.UnexpectedRows.Count} unexpected."),
                "AssetLockMergeIncomplete", ErrorCategory.InvalidResult, target));
            return;
        }
        WriteVerbose($"Wrote {result.RowsWritten} rows to {target}.");
        if (PassThru)
        {
            WriteObject(new FileInfo(target));
        }
    }
}
