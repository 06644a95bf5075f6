using System.Collections.Concurrent;
using StacPkg.Core.Stores;

namespace StacPkg.Core.Relocation;

/// <summary>
/// What a destination already holds, from one listing of its prefix, taken when the first row asks and
/// shared by every row of the run: one LIST per 1,000 objects instead of a HEAD per target. A store that
/// cannot list or refuses to (a key allowed to write but not to list), or a prefix holding more than
/// <see cref="MaxObjects"/> objects, is asked per target instead.
/// </summary>
internal sealed class DestinationListing
{
    /// <summary>The most objects kept from a listing; beyond it a HEAD per target is cheaper than the listing.</summary>
    internal const int MaxObjects = 100_000;

    private readonly AssetLocation _prefix;
    private readonly RetryPolicy _retry;
    private readonly object _gate = new();
    private Task<ConcurrentDictionary<string, ObjectFacts>?>? _listing;

    public DestinationListing(RelocationDestination destination, RetryPolicy retry)
    {
        // A key prefix ends at a '/' so "a/b" does not list "a/bc/…". The file store does not list: a stat per target costs less.
        var key = destination.Prefix.Length == 0 ? destination.Prefix : destination.Prefix + "/";
        _prefix = new AssetLocation(destination.StoreType, destination.Container, destination.EndpointUrl, key);
        _retry = retry;
    }

    /// <summary>The facts of the object at <paramref name="target"/> (in the destination), or null when there is none.</summary>
    public async Task<ObjectFacts?> HeadAsync(IObjectStore store, AssetLocation target, CancellationToken cancellationToken)
    {
        Task<ConcurrentDictionary<string, ObjectFacts>?> listing;
        lock (_gate)
        {
            listing = _listing ??= ListAsync(store, cancellationToken);
        }
        ConcurrentDictionary<string, ObjectFacts>? objects;
        try
        {
            objects = await listing.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            objects = null; // the row that started the listing was cancelled, this one was not
        }
        if (objects is not null) return objects.GetValueOrDefault(target.Key);
        return await Retry.RunAsync(ct => store.HeadAsync(target, ct), _retry, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Keeps the listing true to what this run wrote, for a row relocated again by the same relocator.</summary>
    public void Wrote(AssetLocation target, ObjectFacts facts)
    {
        if (_listing is { IsCompletedSuccessfully: true, Result: { } objects }) objects[target.Key] = facts;
    }

    private async Task<ConcurrentDictionary<string, ObjectFacts>?> ListAsync(IObjectStore store, CancellationToken cancellationToken)
    {
        var listing = store.List(_prefix, cancellationToken);
        if (listing is null) return null;
        try
        {
            return await Retry.RunAsync(async ct =>
            {
                var objects = new ConcurrentDictionary<string, ObjectFacts>(StringComparer.Ordinal);
                await foreach (var stored in listing.WithCancellation(ct).ConfigureAwait(false))
                {
                    if (objects.Count == MaxObjects) return null;
                    objects[stored.Location.Key] = stored.Facts;
                }
                return objects;
            }, _retry, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreException)
        {
            return null; // each target's HEAD will tell, or fail its row with the store's reason
        }
    }
}
