namespace StacPkg.Core.Lock;

/// <summary>One row read from a lock: an entry, or the error that made that row unusable (other rows still read).</summary>
public readonly record struct AssetLockReadResult(AssetLockEntry? Entry, AssetLockException? Error)
{
    public static AssetLockReadResult Ok(AssetLockEntry entry) => new(entry, null);
    public static AssetLockReadResult Fail(AssetLockException error) => new(null, error);
}
