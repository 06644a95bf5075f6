using System.Management.Automation;

namespace StacPkg.PowerShell;

/// <summary>
/// A cmdlet over lock rows that can process one shard of the lock, so a large lock is split across
/// the parallel jobs of an engine (Azure Pipelines, Kubernetes Indexed Jobs); see <see cref="ShardArgument"/>.
/// </summary>
/// <remarks>Holds no Core type: PowerShell loads cmdlet base types before the engine's load context is hooked.</remarks>
public abstract class ShardedLockCmdlet : StacCmdlet
{
    /// <summary>The 0-based shard of the lock this run processes (see -ShardCount); default: the engine's variables.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int? ShardIndex { get; set; }

    /// <summary>How many shards the lock is split into across parallel jobs; default: SYSTEM_TOTALJOBSINPHASE where set.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? ShardCount { get; set; }
}
