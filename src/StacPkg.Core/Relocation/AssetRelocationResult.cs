using StacPkg.Core.Lock;

namespace StacPkg.Core.Relocation;

/// <summary>The outcome for one lock row: the row for its new location, or an error naming the row.</summary>
public sealed class AssetRelocationResult
{
    public AssetRelocationResult(AssetLockEntry source, AssetRelocationStatus status, AssetLockEntry? target, string? error)
    {
        Source = source;
        Status = status;
        Target = target;
        Error = error;
    }

    /// <summary>The input row, unchanged.</summary>
    public AssetLockEntry Source { get; }

    public AssetRelocationStatus Status { get; }

    /// <summary>The new lock row (the source row itself when passed through); null when failed.</summary>
    public AssetLockEntry? Target { get; }

    /// <summary>Why the row failed or was refused, starting with its item/asset and href; null otherwise.</summary>
    public string? Error { get; }

    public bool Succeeded => Status is not (AssetRelocationStatus.Failed or AssetRelocationStatus.Refused);

    public override string ToString() => Error ?? $"{Source}: {Status}";
}
