using System.Collections.Concurrent;
using System.Globalization;
using StacPkg.Core.Stac;
using StacPkg.Core.Stores;

namespace StacPkg.Core.Lock;

/// <summary>
/// Derives lock rows from Items (one per selected asset) and, optionally, probes each object's store
/// for its size, ETag and last-modified.
/// </summary>
public sealed class AssetLockBuilder
{
    private const string MetadataRole = "metadata";

    private readonly AssetLockBuildOptions _options;
    private readonly List<AssetKeyPattern>? _patterns;

    public AssetLockBuilder(AssetLockBuildOptions? options = null)
    {
        _options = options ?? new AssetLockBuildOptions();
        _patterns = _options.AssetKeys is { Count: > 0 } keys ? keys.Select(k => new AssetKeyPattern(k)).ToList() : null;
    }

    // Hrefs whose query string was dropped, and the Items they belong to: reported once, as a count.
    private long _droppedQueries;
    private long _itemsWithDroppedQueries;
    private StacItem? _lastItemWithDroppedQuery;

    // Assets whose file:checksum is not sha2-256, so was not locked: reported once, as a count.
    private long _unlockedChecksums;
    private string? _firstUnlockedChecksum;

    /// <summary>
    /// Things the user should know that are not errors (a file:checksum that cannot be locked, a size
    /// that differs from the store's); never a query string. Safe to drain from any thread.
    /// </summary>
    public ConcurrentQueue<string> Warnings { get; } = new();

    /// <summary>
    /// Adds one warning per kind of thing counted while building: hrefs that lost their query string
    /// (perhaps a signature) on the way into the lock, and file:checksum values that could not be
    /// locked; the counts start again. Called once, when all Items have been built: one line per
    /// asset would bury everything else on a large run.
    /// </summary>
    public void ReportCounts()
    {
        if (_droppedQueries > 0)
        {
            Warnings.Enqueue(string.Create(CultureInfo.InvariantCulture,
                $"removed the query string from {_droppedQueries} hrefs of {_itemsWithDroppedQueries} Items in the lock; signed URLs never enter a lock"));
        }
        if (_unlockedChecksums == 1)
        {
            Warnings.Enqueue($"{_firstUnlockedChecksum}: file:checksum is not a sha2-256 multihash and was not locked");
        }
        else if (_unlockedChecksums > 1)
        {
            Warnings.Enqueue(string.Create(CultureInfo.InvariantCulture,
                $"file:checksum of {_unlockedChecksums} assets is not a sha2-256 multihash and was not locked (the first: {_firstUnlockedChecksum})"));
        }
        _droppedQueries = 0;
        _itemsWithDroppedQueries = 0;
        _lastItemWithDroppedQuery = null;
        _unlockedChecksums = 0;
        _firstUnlockedChecksum = null;
    }

    /// <summary>One result per selected asset of <paramref name="item"/>, in the Item's asset order.</summary>
    public IEnumerable<AssetLockBuildResult> Build(StacItem item)
    {
        // An Item that is still its record stays one: only its assets are decoded.
        var assets = item.Record is { } record ? record.ReadAssets() : item.Assets;
        foreach (var (key, asset) in assets)
        {
            if (!IsSelected(key, asset))
            {
                continue;
            }
            yield return BuildOne(item, key, asset);
        }
    }

    private bool IsSelected(string key, StacAsset asset)
    {
        var isMetadata = key == MetadataRole || asset.Roles?.Contains(MetadataRole, StringComparer.Ordinal) == true;
        if (isMetadata && !_options.IncludeMetadata)
        {
            return false;
        }
        return AssetKeyPattern.MatchesAny(_patterns, key);
    }

    private AssetLockBuildResult BuildOne(StacItem item, string key, StacAsset asset)
    {
        var itemId = item.Id;
        AssetLocation location;
        bool dropped;
        AssetLockEntry entry;
        try
        {
            location = AssetLocation.Parse(asset.Href, _options.BaseDirectory, out dropped);
            // A local path keeps its '?': the row refuses one that holds signing parameters.
            entry = new AssetLockEntry
            {
                ItemId = itemId,
                AssetKey = key,
                StoreType = location.StoreType,
                StoreContainer = location.Container,
                StoreEndpointUrl = location.EndpointUrl,
                Key = location.Key,
                SizeBytes = FileSize(asset),
                FileChecksum = Checksum(itemId, key, asset),
            };
        }
        catch (FormatException ex)
        {
            return new AssetLockBuildResult(itemId, key, null, $"item '{itemId}' asset '{key}': {ex.Message}");
        }
        if (dropped)
        {
            _droppedQueries++;
            if (!ReferenceEquals(item, _lastItemWithDroppedQuery)) _itemsWithDroppedQueries++;
            _lastItemWithDroppedQuery = item;
        }
        return new AssetLockBuildResult(itemId, key, entry, null);
    }

    private static long? FileSize(StacAsset asset) => asset.AdditionalFields.Get("file:size") switch
    {
        long size when size >= 0 => size,
        double size when size >= 0 && size == Math.Floor(size) && size <= long.MaxValue => (long)size,
        _ => null,
    };

    private string? Checksum(string itemId, string key, StacAsset asset)
    {
        if (asset.AdditionalFields.Get("file:checksum") is not string text)
        {
            return null;
        }
        if (Multihash.TryParseSha256(text, out var checksum))
        {
            return checksum;
        }
        // Another hash function cannot be verified here; keeping it would make -Checksum fail for no reason.
        if (_unlockedChecksums++ == 0)
        {
            _firstUnlockedChecksum = $"item '{itemId}' asset '{key}'";
        }
        return null;
    }

    /// <summary>
    /// Fills each entry's size, ETag and last-modified from its store, <see cref="AssetLockBuildOptions.ThrottleLimit"/>
    /// probes at a time, retrying transient failures. Results come back in input order (so the same
    /// Items give the same lock); a missing object or a store that does not answer is a result with an
    /// error, not an exception. Entries are copied, never changed.
    /// </summary>
    public IAsyncEnumerable<AssetLockBuildResult> ProbeAsync(
        IAsyncEnumerable<AssetLockEntry> entries, Func<AssetLocation, IObjectStore> storeFor, CancellationToken cancellationToken) =>
        BoundedParallel.SelectInOrderAsync(entries, (entry, ct) => ProbeOneAsync(entry, storeFor, ct), _options.ThrottleLimit, cancellationToken);

    private async Task<AssetLockBuildResult> ProbeOneAsync(AssetLockEntry entry, Func<AssetLocation, IObjectStore> storeFor, CancellationToken cancellationToken)
    {
        var probed = entry.Clone();
        ObjectFacts? facts;
        try
        {
            var location = entry.Location;
            var store = storeFor(location);
            facts = await Retry.RunAsync(ct => store.HeadAsync(location, ct), _options.Retry, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreException ex)
        {
            return new AssetLockBuildResult(entry.ItemId, entry.AssetKey, probed, $"item '{entry.ItemId}' asset '{entry.AssetKey}': {AssetValidator.Describe(ex)}");
        }
        if (facts is null)
        {
            return new AssetLockBuildResult(entry.ItemId, entry.AssetKey, probed, $"item '{entry.ItemId}' asset '{entry.AssetKey}': missing");
        }
        if (facts.SizeBytes is { } size && entry.SizeBytes is { } declared && size != declared)
        {
            Warnings.Enqueue(string.Create(CultureInfo.InvariantCulture,
                $"item '{entry.ItemId}' asset '{entry.AssetKey}': the store reports {size} bytes, the Item's file:size says {declared}; the lock keeps {size}"));
        }
        probed.SizeBytes = facts.SizeBytes ?? entry.SizeBytes;
        probed.ETag = facts.ETag;
        probed.LastModified = facts.LastModified is { } modified ? LockTimestamp.Format(modified) : null;
        return new AssetLockBuildResult(entry.ItemId, entry.AssetKey, probed, null);
    }
}
