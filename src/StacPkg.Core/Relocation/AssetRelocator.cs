using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using StacPkg.Core.Lock;
using StacPkg.Core.Stores;

namespace StacPkg.Core.Relocation;

/// <summary>
/// Copies locked assets to a <see cref="RelocationDestination"/> and yields a new lock row per asset.
/// Each source is checked against its locked facts first, each copy is hashed while it streams and
/// verified after writing, identical targets are skipped (so a rerun resumes), and copy buffers stay
/// within <see cref="AssetRelocationOptions.MemoryLimit"/>. A problem with one row is that row's
/// result; sources are never deleted.
/// </summary>
public sealed class AssetRelocator : IDisposable
{
    private readonly Func<AssetLocation, IObjectStore> _storeFor;
    private readonly MemoryBudget _budget;
    private readonly DestinationListing _existing;

    // Target → the row that claimed it: two rows sanitised onto one key must not overwrite each other.
    private readonly ConcurrentDictionary<AssetLocation, AssetLockEntry> _claims = new();

    /// <param name="storeFor">
    /// The store for a location, e.g. <see cref="ObjectStores.For"/>. Target stores should buffer at
    /// most <see cref="AssetRelocationOptions.ChunkSize"/> per write (their part or block size), since
    /// that is what each copy reserves against the memory limit.
    /// </param>
    /// <exception cref="ArgumentException">The options cannot work: one chunk does not fit in the memory limit, or a limit is not positive.</exception>
    public AssetRelocator(RelocationDestination destination, Func<AssetLocation, IObjectStore> storeFor, AssetRelocationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(storeFor);
        Options = options ?? new AssetRelocationOptions();
        if (Options.ChunkSize < 1024) throw new ArgumentException($"the chunk size must be at least 1 KiB, not {Options.ChunkSize} bytes", nameof(options));
        if (Options.ChunkSize > Options.MemoryLimit)
        {
            throw new ArgumentException($"one copy cannot fit: the chunk size ({Options.ChunkSize} bytes) exceeds the memory limit ({Options.MemoryLimit} bytes)", nameof(options));
        }
        Destination = destination;
        _storeFor = storeFor;
        _budget = new MemoryBudget(Options.MemoryLimit);
        _existing = new DestinationListing(destination, Options.Retry);
    }

    public RelocationDestination Destination { get; }

    public AssetRelocationOptions Options { get; }

    /// <summary>The most copy-buffer bytes reserved at once so far; never above the memory limit.</summary>
    internal long PeakBufferedBytes => _budget.PeakBytes;

    /// <summary>
    /// Relocates the rows, <see cref="AssetRelocationOptions.ThrottleLimit"/> at a time, yielding each
    /// result as soon as its row completes (so not in input order). Rows are pulled only as workers free up.
    /// </summary>
    public IAsyncEnumerable<AssetRelocationResult> RelocateAsync(IAsyncEnumerable<AssetLockEntry> entries, CancellationToken cancellationToken) =>
        BoundedParallel.SelectAsCompletedAsync(entries, RelocateOneAsync, Options.ThrottleLimit, cancellationToken);

    /// <inheritdoc cref="RelocateAsync(IAsyncEnumerable{AssetLockEntry}, CancellationToken)"/>
    public IAsyncEnumerable<AssetRelocationResult> RelocateAsync(IEnumerable<AssetLockEntry> entries, CancellationToken cancellationToken) =>
        RelocateAsync(AsyncSequence.From(entries, cancellationToken), cancellationToken);

    /// <summary>
    /// What <see cref="RelocateOneAsync"/> would do with <paramref name="entry"/>, without reading or
    /// writing a store (as -WhatIf): <see cref="AssetRelocationStatus.Planned"/> with the new row (the
    /// source's size and checksum at the target location), <see cref="AssetRelocationStatus.PassedThrough"/>
    /// outside the source prefix, <see cref="AssetRelocationStatus.Refused"/> for a local source the
    /// options do not let it read, or <see cref="AssetRelocationStatus.Failed"/> when the row has no
    /// target or another row already claimed it.
    /// </summary>
    public AssetRelocationResult Plan(AssetLockEntry entry) => Plan(entry, out _);

    private AssetRelocationResult Plan(AssetLockEntry entry, out AssetLocation source)
    {
        ArgumentNullException.ThrowIfNull(entry);
        source = entry.Location;
        if (AssetLockRowRules.Describe(entry) is { } problem)
        {
            return Failed(entry, $"invalid lock row: {problem}");
        }
        AssetLocation target;
        try
        {
            if (Options.SourcePrefix is { } prefix && !entry.Href.StartsWith(prefix, StringComparison.Ordinal))
            {
                return new AssetRelocationResult(entry, AssetRelocationStatus.PassedThrough, entry, null);
            }
            source = Options.LocalSources.Resolve(entry);
            target = Destination.TargetFor(entry, Options.Layout);
        }
        catch (LocalPathRefusedException ex)
        {
            return Failed(entry, ex.Message, AssetRelocationStatus.Refused);
        }
        catch (FormatException ex)
        {
            return Failed(entry, $"error: {ex.Message}");
        }
        var owner = _claims.GetOrAdd(target, entry);
        if (!ReferenceEquals(owner, entry) && !SameAsset(owner, entry))
        {
            return Failed(entry, $"target {AssetLocation.Redact(target.ToHref())} is already the target of {owner}; not copied");
        }
        return new AssetRelocationResult(entry, AssetRelocationStatus.Planned, TargetRow(entry, target, entry.SizeBytes, null, null, entry.FileChecksum), null);
    }

    /// <summary>Relocates one row.</summary>
    /// <exception cref="OperationCanceledException">Only when <paramref name="cancellationToken"/> is cancelled; the target is then untouched or complete, never partial.</exception>
    public async Task<AssetRelocationResult> RelocateOneAsync(AssetLockEntry entry, CancellationToken cancellationToken)
    {
        var planned = Plan(entry, out var source);
        if (planned.Status != AssetRelocationStatus.Planned) return planned;
        try
        {
            return await CopyOneAsync(entry, source, planned.Target!.Location, cancellationToken).ConfigureAwait(false);
        }
        catch (RelocationRefusedException refused)
        {
            return Failed(entry, refused.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return Failed(entry, ex is StoreException store ? AssetValidator.Describe(store) : $"error: {ex.Message}");
        }
    }

    public void Dispose() => _budget.Dispose();

    // The source is the location the policy checked (a file row's resolved real path), not the row's own key.
    private async Task<AssetRelocationResult> CopyOneAsync(AssetLockEntry entry, AssetLocation sourceLocation, AssetLocation target, CancellationToken cancellationToken)
    {
        var sourceStore = _storeFor(sourceLocation);
        var targetStore = _storeFor(target);
        var lockedChecksum = Multihash.TryParseSha256(entry.FileChecksum, out var parsed) ? parsed : null;

        var existing = await _existing.HeadAsync(targetStore, target, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            var sourceFacts = await Retry.RunAsync(ct => sourceStore.HeadAsync(sourceLocation, ct), Options.Retry, cancellationToken).ConfigureAwait(false);
            var size = CheckSource(entry, sourceFacts);
            if (size is not null && existing.SizeBytes == size)
            {
                var present = await Retry.RunAsync(ct => ChecksumAsync(targetStore, target, size, ct), Options.Retry, cancellationToken).ConfigureAwait(false);
                // Without a locked checksum the source is hashed too: equal sizes alone prove nothing.
                var expected = lockedChecksum
                    ?? await Retry.RunAsync(ct => ChecksumAsync(sourceStore, sourceLocation, size, ct), Options.Retry, cancellationToken).ConfigureAwait(false);
                if (present == expected)
                {
                    return new AssetRelocationResult(entry, AssetRelocationStatus.Skipped, TargetRow(entry, target, existing, present), null);
                }
            }
            if (!Options.Force) throw new RelocationRefusedException($"target {AssetLocation.Redact(target.ToHref())} exists and differs; use Force to replace it");
        }

        // An object smaller than a chunk is buffered whole at most, so it reserves only its size; a
        // source whose size differs from the locked one is refused before anything is buffered.
        var reserve = Math.Min(Options.ChunkSize, Math.Max(entry.SizeBytes ?? Options.ChunkSize, 1));
        using (await _budget.ReserveAsync(reserve, cancellationToken).ConfigureAwait(false))
        {
            var (written, checksum, size) = await CopyVerifiedAsync(entry, sourceLocation, sourceStore, targetStore, target, lockedChecksum, cancellationToken).ConfigureAwait(false);
            var problem = written.SizeBytes != size && size is not null
                ? $"target holds {written.SizeBytes} bytes, source {size}"
                : lockedChecksum is not null && checksum != lockedChecksum
                    ? $"copied content checksum {Multihash.Shorten(checksum)} != locked {Multihash.Shorten(lockedChecksum)}"
                    : null;
            if (problem is not null)
            {
                // The copy is not the locked asset: remove it so the target never holds a wrong object.
                await targetStore.DeleteAsync(target, CancellationToken.None).ConfigureAwait(false);
                throw new RelocationRefusedException($"{problem}; the copy was removed");
            }
            _existing.Wrote(target, written);
            return new AssetRelocationResult(entry, AssetRelocationStatus.Copied, TargetRow(entry, target, written, checksum), null);
        }
    }

    /// <summary>The source's size when its facts match the lock; refuses a missing or changed source.</summary>
    private static long? CheckSource(AssetLockEntry entry, ObjectFacts? sourceFacts)
    {
        if (sourceFacts is null) throw new RelocationRefusedException("source missing");
        var changes = new List<string>();
        AssetFactComparer.Compare(entry, sourceFacts, changes);
        if (changes.Count > 0) throw new RelocationRefusedException($"source changed since locking ({string.Join("; ", changes)}); not copied");
        return sourceFacts.SizeBytes ?? entry.SizeBytes;
    }

    // A source that keeps giving other bytes than the lock's is refused once the retries are spent;
    // the target store failed every one of those writes, so it holds nothing of them.
    private async Task<(ObjectFacts Written, string Checksum, long? Size)> CopyVerifiedAsync(AssetLockEntry entry, AssetLocation sourceLocation,
        IObjectStore sourceStore, IObjectStore targetStore, AssetLocation target, string? lockedChecksum, CancellationToken cancellationToken)
    {
        try
        {
            return await Retry.RunAsync(ct => CopyAsync(entry, sourceLocation, sourceStore, targetStore, target, lockedChecksum, ct), Options.Retry, cancellationToken).ConfigureAwait(false);
        }
        catch (StoreException e) when (e.InnerException is ContentMismatchException mismatch)
        {
            throw new RelocationRefusedException($"{mismatch.Message} (after {Options.Retry.MaxAttempts} attempts); nothing was written");
        }
        catch (ContentMismatchException mismatch)
        {
            throw new RelocationRefusedException($"{mismatch.Message}; nothing was written");
        }
    }

    // The source is checked against the lock with the facts of the read itself (for HTTP one GET, no
    // HEAD), before anything is written, and its bytes against the locked size and checksum as they end.
    private static async Task<(ObjectFacts Written, string Checksum, long? Size)> CopyAsync(AssetLockEntry entry, AssetLocation sourceLocation,
        IObjectStore sourceStore, IObjectStore targetStore, AssetLocation target, string? lockedChecksum, CancellationToken cancellationToken)
    {
        var read = await sourceStore.OpenReadWithFactsAsync(sourceLocation, cancellationToken).ConfigureAwait(false);
        await using var content = read?.Content ?? Stream.Null; // closed also when the source is refused
        var size = CheckSource(entry, read?.Facts);
        await using var hashing = new HashingReadStream(content, size, lockedChecksum);
        try
        {
            var written = await targetStore.WriteAsync(target, hashing, size, cancellationToken).ConfigureAwait(false);
            return (written, hashing.FinishChecksum(), size);
        }
        catch (Exception) when (hashing.SourceFailure is { } sourceFailure)
        {
            // Judge the retry by the source's own error (a reset read is transient), not by the target's wrapping of it.
            ExceptionDispatchInfo.Capture(sourceFailure).Throw();
            throw;
        }
    }

    private static async Task<string> ChecksumAsync(IObjectStore store, AssetLocation location, long? size, CancellationToken cancellationToken)
    {
        await using var content = await store.OpenReadAsync(location, 0, null, cancellationToken).ConfigureAwait(false);
        var (checksum, length) = await FileChecksum.ComputeWithLengthAsync(content, cancellationToken).ConfigureAwait(false);
        // A short body is a broken transfer, worth another attempt, not the object's content.
        if (size is { } expected && length != expected) throw new StoreException(StoreErrorKind.Transient, $"read {length} of {expected} bytes");
        return checksum;
    }

    // An ETag already names the stored version, and an S3 PUT reports none but it: last_modified is kept
    // only without one, so the row of a copy and the row of its rerun's skip are the same.
    private static AssetLockEntry TargetRow(AssetLockEntry source, AssetLocation target, ObjectFacts facts, string checksum) =>
        TargetRow(source, target, facts.SizeBytes, facts.ETag,
            string.IsNullOrEmpty(facts.ETag) && facts.LastModified is { } modified ? LockTimestamp.Format(modified) : null, checksum);

    private static AssetLockEntry TargetRow(AssetLockEntry source, AssetLocation target, long? size, string? etag, string? lastModified, string? checksum)
    {
        var row = source.Clone();
        row.StoreType = target.StoreType;
        row.StoreContainer = target.Container;
        row.StoreEndpointUrl = target.EndpointUrl;
        row.Key = target.Key;
        row.SizeBytes = size;
        row.ETag = etag;
        row.LastModified = lastModified;
        row.FileChecksum = checksum;
        // The copy is no longer inside the package the source came from.
        row.PackageRoot = null;
        return row;
    }

    // The same row again (a rerun with this relocator) may reuse its target; another asset may not.
    private static bool SameAsset(AssetLockEntry a, AssetLockEntry b) =>
        a.ItemId == b.ItemId && a.AssetKey == b.AssetKey && a.Location == b.Location;

    private static AssetRelocationResult Failed(AssetLockEntry entry, string reason, AssetRelocationStatus status = AssetRelocationStatus.Failed)
    {
        string href;
        try
        {
            href = AssetLocation.Redact(entry.Href);
        }
        catch (FormatException)
        {
            href = "(no href)";
        }
        return new AssetRelocationResult(entry, status, null, $"{entry} ({href}): {reason}");
    }
}
