using System.Management.Automation;
using StacPkg.Core.Lock;

namespace StacPkg.PowerShell;

/// <summary>
/// -ShardIndex / -ShardCount as Test-StacAssetLock and Move-StacAsset read them: the parameters, or
/// the engine's own variables (Azure Pipelines, Kubernetes Indexed Jobs) where present.
/// </summary>
internal static class ShardArgument
{
    /// <summary>The shard this run processes, or null for every row. Incomplete values end the command.</summary>
    public static AssetShard? Resolve(StacCmdlet cmdlet, int? index, int? count)
    {
        AssetShard? shard = null;
        try
        {
            shard = AssetShard.Resolve(index, count, Environment.GetEnvironmentVariable);
        }
        catch (ArgumentException ex)
        {
            cmdlet.ThrowTerminatingError(new ErrorRecord(ex, "InvalidShard", ErrorCategory.InvalidArgument, null));
        }
        if (shard is not { Count: > 1 } selected)
        {
            return null;
        }
        var message = $"Processing only the rows of shard {selected.Index} of {selected.Count} (0-based, from {selected.Source}).";
        if (selected.Source == "parameters")
        {
            cmdlet.WriteVerbose(message);
        }
        else
        {
            // Chosen by the engine's variables, not by the caller: say so, since a job matrix that is not
            // meant as shards would otherwise process a fraction of the lock without noticing.
            cmdlet.WriteWarning($"{message} Pass -ShardCount 1 to process every row.");
        }
        return selected;
    }
}
