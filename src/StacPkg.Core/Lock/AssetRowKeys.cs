namespace StacPkg.Core.Lock;

/// <summary>
/// The (item_id, asset_key) pairs seen so far, to refuse duplicates. Keeps a 128-bit digest per pair
/// rather than the strings, so memory stays small for locks of millions of rows.
/// </summary>
internal sealed class AssetRowKeys
{
    private readonly Dictionary<UInt128, long> _rows = new();

    /// <summary>Records the pair at <paramref name="row"/>; false (with the earlier row) when it was seen before.</summary>
    public bool TryAdd(string itemId, string assetKey, long row, out long firstRow)
    {
        var key = Digest(itemId, assetKey);
        if (_rows.TryGetValue(key, out firstRow))
        {
            return false;
        }
        _rows.Add(key, row);
        firstRow = row;
        return true;
    }

    private static UInt128 Digest(string itemId, string assetKey) => TextDigest.Of(Pair(itemId, assetKey));

    /// <summary>One string for the pair, length-prefixed so that ("ab", "c") and ("a", "bc") differ.</summary>
    internal static string Pair(string itemId, string assetKey) => $"{itemId.Length}:{itemId}\0{assetKey}";
}
