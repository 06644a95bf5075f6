namespace StacPkg.Core.Lock;

/// <summary>
/// One asset's outcome when building or probing a lock. <see cref="Entry"/> is null when no row could
/// be made (an href that is not a supported form); when a probe failed, <see cref="Entry"/> is the
/// unprobed row and <see cref="Error"/> says why.
/// </summary>
public sealed record AssetLockBuildResult(string ItemId, string AssetKey, AssetLockEntry? Entry, string? Error)
{
    public bool Succeeded => Error is null;
}
