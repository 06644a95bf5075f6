using StacPkg.Core.Json;
using StacPkg.Core.Lock;
using StacPkg.Core.Packaging;
using StacPkg.Core.Stac;

namespace StacPkg.Core.Enrichment;

/// <summary>
/// Writes File Info (file:size, file:checksum) and, optionally, an Alternate Assets entry from lock
/// rows into copies of Items. Rows are matched by (item_id, asset_key); the last row for a pair wins.
/// </summary>
public sealed class AssetLockEnricher
{
    private readonly Dictionary<(string ItemId, string AssetKey), AssetLockEntry> _rows = new();
    private readonly string? _alternateKey;
    private readonly string? _alternateName;

    /// <exception cref="ArgumentException">A row breaks a row rule (<see cref="AssetLockRowRules"/>).</exception>
    /// <param name="alternateKey">When set, the row's href is written as <c>alternate.&lt;key&gt;.href</c>.</param>
    /// <param name="alternateName">The <c>alternate:name</c> of that alternate entry.</param>
    public AssetLockEnricher(IEnumerable<AssetLockEntry> entries, string? alternateKey = null, string? alternateName = null)
    {
        foreach (var entry in entries)
        {
            // A wrong size or checksum must not reach an Item.
            if (AssetLockRowRules.Describe(entry) is { } problem)
            {
                throw new ArgumentException($"invalid lock row: {problem}", nameof(entries));
            }
            _rows[(entry.ItemId, entry.AssetKey)] = entry;
        }
        if (alternateKey is { Length: 0 })
        {
            throw new ArgumentException("The alternate key must not be empty.", nameof(alternateKey));
        }
        _alternateKey = alternateKey;
        _alternateName = alternateName;
    }

    public ItemEnrichmentResult Enrich(StacItem item)
    {
        if (!item.Assets.Keys.Any(key => _rows.ContainsKey((item.Id, key))))
        {
            // Nothing to write: the Item passes through as it came.
            return new ItemEnrichmentResult(item, 0, []);
        }
        var copy = StacItemCopy.Clone(item);
        var warnings = new List<string>();
        var matched = 0;
        var fileInfo = false;
        foreach (var (key, asset) in copy.Assets)
        {
            if (!_rows.TryGetValue((copy.Id, key), out var row))
            {
                continue;
            }
            matched++;
            WriteFileInfo(copy.Id, key, asset, row, warnings);
            fileInfo |= asset.AdditionalFields.ContainsKey("file:size") || asset.AdditionalFields.ContainsKey("file:checksum");
            if (_alternateKey is { } alternateKey)
            {
                var alternate = new JsonMap { ["href"] = AlternateHref(row) };
                if (_alternateName is not null)
                {
                    alternate["alternate:name"] = _alternateName;
                }
                AlternateAssets.Set(asset, alternateKey, alternate);
            }
        }
        // A lock without sizes or checksums (built with -NoProbe from bare hrefs) adds no File Info field to declare.
        if (fileInfo)
        {
            StacExtensionUris.Declare(copy, StacExtensionUris.FileInfo);
        }
        if (_alternateKey is not null)
        {
            StacExtensionUris.Declare(copy, StacExtensionUris.AlternateAssets);
        }
        return new ItemEnrichmentResult(copy, matched, warnings);
    }

    /// <summary>
    /// The row's href; for a bundled row of a package (<c>assets/…</c>, relative to the package) the
    /// full path of that file inside the package, since a relative href would name a file under
    /// whatever folder the Items are used from.
    /// </summary>
    private static string AlternateHref(AssetLockEntry row) =>
        row.PackageRoot is { } root && StacPackageValidator.IsBundled(row) && PackagePaths.Resolve(root, row.Key) is { } inside
            ? inside
            : row.Href;

    private static void WriteFileInfo(string itemId, string key, StacAsset asset, AssetLockEntry row, List<string> warnings)
    {
        if (row.SizeBytes is { } size)
        {
            asset.AdditionalFields["file:size"] = size;
        }
        if (row.FileChecksum is not { Length: > 0 } locked)
        {
            return;
        }
        var existing = asset.AdditionalFields.Get("file:checksum") as string;
        // Same hash: keep the Item's own spelling. Another hash function (md5, sha1) cannot be
        // compared with the lock's sha2-256, so nothing proves it wrong: keep it too.
        if (existing is not null && (Multihash.Sha256Equals(existing, locked) || !Multihash.TryParseSha256(existing, out _)))
        {
            return;
        }
        if (existing is not null)
        {
            warnings.Add($"item '{itemId}' asset '{key}': file:checksum {Multihash.Shorten(existing)} differs from the lock's " +
                $"{Multihash.Shorten(locked)}; replaced with the lock's");
        }
        asset.AdditionalFields["file:checksum"] = locked;
    }
}
