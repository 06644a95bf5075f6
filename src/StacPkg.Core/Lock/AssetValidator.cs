using StacPkg.Core.Stores;

namespace StacPkg.Core.Lock;

/// <summary>
/// Checks lock rows against their stores: the object must exist and every fact present on both sides
/// must match (size, ETag, last-modified, and with <see cref="AssetValidationOptions.Checksum"/> the
/// content's sha2-256). Transient failures are retried before a row is judged; any problem with one
/// row is that row's result, never an exception that stops the others.
/// </summary>
public sealed class AssetValidator
{
    private readonly Func<AssetLocation, IObjectStore> _storeFor;

    /// <param name="storeFor">The store for a location, e.g. <see cref="ObjectStores.For"/>; may throw <see cref="StoreException"/> (unsupported store type).</param>
    public AssetValidator(Func<AssetLocation, IObjectStore> storeFor, AssetValidationOptions? options = null)
    {
        _storeFor = storeFor;
        Options = options ?? new AssetValidationOptions();
    }

    public AssetValidationOptions Options { get; }

    /// <summary>
    /// Validates the entries, <see cref="AssetValidationOptions.ThrottleLimit"/> at a time, yielding each
    /// result as soon as its check completes (so not in input order). Entries are pulled only as
    /// workers free up, so memory stays flat for any number of rows.
    /// </summary>
    public IAsyncEnumerable<AssetValidationResult> ValidateAsync(IAsyncEnumerable<AssetLockEntry> entries, CancellationToken cancellationToken) =>
        BoundedParallel.SelectAsCompletedAsync(entries, ValidateOneAsync, Options.ThrottleLimit, cancellationToken);

    /// <inheritdoc cref="ValidateAsync(IAsyncEnumerable{AssetLockEntry}, CancellationToken)"/>
    public IAsyncEnumerable<AssetValidationResult> ValidateAsync(IEnumerable<AssetLockEntry> entries, CancellationToken cancellationToken) =>
        ValidateAsync(AsyncSequence.From(entries, cancellationToken), cancellationToken);

    /// <summary>Checks one entry.</summary>
    /// <exception cref="OperationCanceledException">Only when <paramref name="cancellationToken"/> is cancelled: a stopped check never reports a result.</exception>
    public async Task<AssetValidationResult> ValidateOneAsync(AssetLockEntry entry, CancellationToken cancellationToken)
    {
        var reasons = AssetLockRowRules.Problems(entry);
        var notes = new List<string>();
        if (reasons.Count > 0)
        {
            return new AssetValidationResult(entry, false, reasons, null, null, notes);
        }

        ObjectFacts? observed = null;
        string? checksum = null;
        try
        {
            var location = Options.LocalSources.Resolve(entry);
            var store = _storeFor(location);
            observed = await Retry.RunAsync(ct => store.HeadAsync(location, ct), Options.Retry, cancellationToken).ConfigureAwait(false);
            if (observed is null)
            {
                reasons.Add("missing");
                return new AssetValidationResult(entry, false, reasons, null, null, notes);
            }
            AssetFactComparer.Compare(entry, observed, reasons);
            // The content is read only when the cheap facts already match: a mismatch is already proven.
            if (Options.Checksum && reasons.Count == 0)
            {
                checksum = await Retry.RunAsync(ct => ReadChecksumAsync(store, location, observed.SizeBytes, ct), Options.Retry, cancellationToken).ConfigureAwait(false);
                CompareChecksum(entry, checksum, reasons, notes);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            reasons.Add(ex is StoreException store ? Describe(store) : $"error: {SecretText.Redact(ex.Message)}");
        }
        return new AssetValidationResult(entry, reasons.Count == 0, reasons, observed, checksum, notes);
    }

    private static async Task<string> ReadChecksumAsync(IObjectStore store, AssetLocation location, long? expectedLength, CancellationToken cancellationToken)
    {
        await using var content = await store.OpenReadAsync(location, 0, null, cancellationToken).ConfigureAwait(false);
        var (checksum, length) = await FileChecksum.ComputeWithLengthAsync(content, cancellationToken).ConfigureAwait(false);
        if (expectedLength is { } expected && length != expected)
        {
            // A short body is a broken transfer, not the object's content: worth another attempt.
            throw new StoreException(StoreErrorKind.Transient, $"read {length} of {expected} bytes");
        }
        return checksum;
    }

    private static void CompareChecksum(AssetLockEntry entry, string observed, List<string> reasons, List<string> notes)
    {
        if (string.IsNullOrEmpty(entry.FileChecksum))
        {
            notes.Add("no locked checksum to compare");
        }
        else if (!Multihash.TryParseSha256(entry.FileChecksum, out var locked))
        {
            // A valid multihash of another function (the row rules refuse anything else): no sha2-256 to compare with.
            notes.Add("locked checksum is not a sha2-256 multihash; not compared");
        }
        else if (locked != observed)
        {
            reasons.Add($"checksum {Multihash.Shorten(observed)} != locked {Multihash.Shorten(locked)}");
        }
    }

    /// <summary>A short reason for a store failure: its kind, then the store's message (which never holds a secret).</summary>
    internal static string Describe(StoreException ex) => ex.Kind switch
    {
        StoreErrorKind.Unauthorized => $"unauthorized: {ex.Message}",
        StoreErrorKind.Transient or StoreErrorKind.Unreachable => $"unreachable: {ex.Message}",
        _ => $"store error: {ex.Message}",
    };
}
