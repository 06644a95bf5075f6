namespace StacPkg.Core.Lock;

/// <summary>The columns of one row group of a lock being read, one value per row; absent optional columns are null.</summary>
internal sealed record AssetLockRowGroup(
    int Rows,
    string?[] ItemIds,
    string?[] AssetKeys,
    string?[] StoreTypes,
    string?[]? StoreContainers,
    string?[]? StoreEndpointUrls,
    string?[] Keys,
    long?[]? Sizes,
    string?[]? ETags,
    string?[]? LastModified,
    string?[]? FileChecksums)
{
    /// <summary>Row <paramref name="index"/> of this group as an entry, or the error that makes it unusable.</summary>
    public AssetLockReadResult Result(string file, int index, long row, AssetRowKeys seen, string? packageRoot)
    {
        var itemId = ItemIds[index] ?? "";
        var assetKey = AssetKeys[index] ?? "";
        AssetLockEntry entry;
        try
        {
            entry = Entry(index, itemId, assetKey, packageRoot);
        }
        catch (FormatException ex)
        {
            // An endpoint, container or key carrying credentials or a signature: the row is refused, and the message does not repeat them.
            return AssetLockReadResult.Fail(new AssetLockException(file, row, $"item '{itemId}' asset '{assetKey}': {ex.Message}"));
        }
        if (AssetLockRowRules.Describe(entry) is { } problem)
        {
            return AssetLockReadResult.Fail(new AssetLockException(file, row, problem));
        }
        if (!seen.TryAdd(itemId, assetKey, row, out var first))
        {
            return AssetLockReadResult.Fail(new AssetLockException(file, row, $"duplicate asset '{assetKey}' of item '{itemId}' (first at row {first})"));
        }
        return AssetLockReadResult.Ok(entry);
    }

    private AssetLockEntry Entry(int index, string itemId, string assetKey, string? packageRoot) =>
        new()
        {
            ItemId = itemId,
            AssetKey = assetKey,
            StoreType = StoreTypes[index] ?? "",
            StoreContainer = StoreContainers?[index],
            StoreEndpointUrl = StoreEndpointUrls?[index],
            Key = Keys[index] ?? "",
            SizeBytes = Sizes?[index],
            ETag = ETags?[index],
            LastModified = LastModified?[index],
            FileChecksum = FileChecksums?[index],
            PackageRoot = packageRoot,
        };
}
