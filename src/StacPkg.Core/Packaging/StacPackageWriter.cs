using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using StacPkg.Core.GeoParquet;
using StacPkg.Core.Lock;
using StacPkg.Core.Stac;
using StacPkg.Core.Stores;

namespace StacPkg.Core.Packaging;

/// <summary>
/// Builds a package directory: items.parquet, assets.lock.parquet, optionally bundled asset bytes and
/// extra files, and last the <see cref="PackageManifest"/> of them all. Everything is written into a
/// hidden directory beside the target and moved into place by <see cref="CompleteAsync"/>; disposing
/// without completing leaves the target untouched. The same Items in the same order give
/// byte-identical tables and manifest.
/// </summary>
public sealed class StacPackageWriter : IAsyncDisposable
{
    private const int CopyBufferSize = 1 << 16;

    private readonly StacPackageOptions _options;
    private readonly ObjectStores _stores;
    private readonly PackageDirectory _directory;
    private readonly IStacItemWriter _items;
    // The same writer unwrapped: it knows the Collections it stored.
    private readonly GeoParquetItemWriter _itemsFile;
    private readonly AssetLockBuilder _builder;
    private readonly List<AssetKeyPattern>? _patterns;
    // Lock rows flow through a bounded channel into a task that probes or bundles them and writes the
    // lock as they come, so memory stays flat whatever the number of assets.
    private readonly Channel<AssetLockEntry> _lockInput =
        Channel.CreateBounded<AssetLockEntry>(new BoundedChannelOptions(1024) { SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource _stopLock = new();
    private readonly Task<long> _lockWriting;
    private readonly ConcurrentQueue<string> _errors = new();
    // Bundled files with the digests computed while copying them, for the manifest.
    private readonly ConcurrentQueue<PackageFileDigest> _bundled = new();
    private readonly SortedSet<string> _collections = new(StringComparer.Ordinal);
    // Written only by the lock task; read after it has finished.
    private readonly SortedSet<string> _assetKeys = new(StringComparer.Ordinal);
    private long _assetCount;
    private long _knownBytes;
    private bool _done;
    private bool _itemsDisposed;

    /// <summary>Whether a build at <paramref name="path"/> would replace a package; throws the error the build would give when it cannot be built there.</summary>
    /// <exception cref="StacPackageException">The target's folder is missing, or a package is there and <paramref name="force"/> is off, or a folder that is not a package is there.</exception>
    public static bool WouldReplace(string path, bool force)
    {
        PackageDirectory.CheckTarget(path, force, out var replaces);
        return replaces;
    }

    /// <exception cref="StacPackageException">The target's folder is missing, or a package is there and <see cref="StacPackageOptions.Force"/> is off.</exception>
    public StacPackageWriter(string path, StacPackageOptions options, ObjectStores stores)
    {
        _options = options;
        _stores = stores;
        _directory = new PackageDirectory(path, options.Force);
        try
        {
            _itemsFile = new GeoParquetItemWriter(System.IO.Path.Combine(_directory.TempPath, StacPackageLayout.ItemsFileName), options.Items);
            _items = options.KeepSignedHrefs ? _itemsFile : new UnsignedItemWriter(_itemsFile);
        }
        catch
        {
            _directory.Abandon();
            throw;
        }
        _builder = new AssetLockBuilder(new AssetLockBuildOptions
        {
            AssetKeys = options.AssetKeys,
            ThrottleLimit = options.ThrottleLimit,
            Retry = options.Retry,
        });
        _patterns = options.AssetKeys is { Count: > 0 } keys ? keys.Select(k => new AssetKeyPattern(k)).ToList() : null;
        _lockWriting = Task.Run(() => WriteLockAsync(_stopLock.Token));
    }

    /// <summary>The package's full path.</summary>
    public string Path => _directory.Target;

    /// <summary>Items accepted so far.</summary>
    public long Count => _items.Count;

    /// <summary>Items encoded into items.parquet so far; <see cref="CompleteAsync"/> advances it (for progress).</summary>
    public long Encoded => _items.Encoded;

    /// <summary>Things the user should know that are not errors; the caller drains them on its own thread.</summary>
    public ConcurrentQueue<string> Warnings { get; } = new();

    /// <exception cref="StacFormatException">The Item cannot be written; nothing of it was taken.</exception>
    public async ValueTask WriteAsync(StacItem item, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_done, this);
        await _items.WriteAsync(AbsentNulls.Drop(item), cancellationToken).ConfigureAwait(false);
        if (item.Collection is { } collection)
        {
            _collections.Add(collection);
        }
        if (_options.AssetLock is null)
        {
            // Sorted by key: an Item read back from Parquet lists its assets in the table's column order,
            // and the lock must not depend on that.
            foreach (var result in _builder.Build(item).OrderBy(r => r.AssetKey, StringComparer.Ordinal))
            {
                if (result.Entry is { } entry)
                {
                    await HandOverAsync(entry, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    _errors.Enqueue(result.Error!);
                }
            }
        }
        MoveWarnings();
    }

    private async ValueTask HandOverAsync(AssetLockEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            await _lockInput.Writer.WriteAsync(entry, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            // The lock task stopped early: surface its failure.
            await AwaitLockAsync(cancellationToken).ConfigureAwait(false);
            throw;
        }
    }

    private async Task<long> WriteLockAsync(CancellationToken cancellationToken)
    {
        try
        {
            var entries = _lockInput.Reader.ReadAllAsync(cancellationToken);
            if (_options.IncludeAssets)
            {
                entries = Succeeded(BoundedParallel.SelectInOrderAsync(Named(entries), BundleAsync, _options.ThrottleLimit, cancellationToken));
            }
            else if (_options.Probe && _options.AssetLock is null)
            {
                entries = Succeeded(_builder.ProbeAsync(entries, _stores.For, cancellationToken));
            }
            var path = System.IO.Path.Combine(_directory.TempPath, StacPackageLayout.LockFileName);
            return await AssetLockFile.WriteAsync(path, Counted(entries), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _lockInput.Writer.TryComplete(ex);
            throw;
        }
    }

    /// <summary>The rows that were probed or bundled; each failure is kept to be reported at the end.</summary>
    private async IAsyncEnumerable<AssetLockEntry> Succeeded(IAsyncEnumerable<AssetLockBuildResult> results)
    {
        await foreach (var result in results.ConfigureAwait(false))
        {
            if (result.Error is { } error)
            {
                _errors.Enqueue(error);
            }
            else if (result.Entry is { } entry)
            {
                yield return entry;
            }
        }
    }

    private async IAsyncEnumerable<AssetLockEntry> Counted(IAsyncEnumerable<AssetLockEntry> entries)
    {
        await foreach (var entry in entries.ConfigureAwait(false))
        {
            _assetCount++;
            _assetKeys.Add(entry.AssetKey);
            _knownBytes += entry.SizeBytes ?? 0;
            yield return entry;
        }
    }

    private async Task AwaitLockAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _lockWriting.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (AssetLockException ex)
        {
            throw new StacPackageException($"the asset lock for '{Path}' cannot be written: {ex.Message}", ex);
        }
    }

    /// <summary>Writes the lock, bundles assets and files, and moves the package into place.</summary>
    /// <exception cref="StacPackageException">An asset could not be located, probed or copied, or a file included; the target is untouched.</exception>
    public async Task<StacPackageInfo> CompleteAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_done, this);
        _done = true;
        List<PackageFileDigest> files;
        try
        {
            await _items.CompleteAsync(cancellationToken).ConfigureAwait(false);
            _builder.ReportCounts();
            // Disposing lets go of the writer's spool file, which must not be moved into the package.
            await DisposeItemsAsync().ConfigureAwait(false);
            if (_options.AssetLock is { } given)
            {
                foreach (var entry in given.Where(e => AssetKeyPattern.MatchesAny(_patterns, e.AssetKey)))
                {
                    await HandOverAsync(entry.Clone(), cancellationToken).ConfigureAwait(false);
                }
            }
            _lockInput.Writer.TryComplete();
            await AwaitLockAsync(cancellationToken).ConfigureAwait(false);
            MoveWarnings();
            ThrowIfFailed();
            var included = await IncludeFilesAsync(cancellationToken).ConfigureAwait(false);
            files = await WriteManifestAsync(included, cancellationToken).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            _directory.Commit();
        }
        finally
        {
            await DisposeItemsAsync().ConfigureAwait(false);
            await StopLockAsync().ConfigureAwait(false);
            _directory.Abandon();
        }
        return StacPackageInfo.Describe(Path, _items.Count, [.. _collections], _itemsFile.Collections, _assetCount, [.. _assetKeys], _knownBytes, files);
    }

    /// <summary>
    /// Writes the manifest of every file in the package: bundled assets with the digests taken while
    /// copying, the tables and included files hashed now. Returns the files and the manifest.
    /// </summary>
    private async Task<List<PackageFileDigest>> WriteManifestAsync(IEnumerable<string> included, CancellationToken cancellationToken)
    {
        var hashed = new List<PackageFileDigest>(_bundled);
        foreach (var name in included.Prepend(StacPackageLayout.LockFileName).Prepend(StacPackageLayout.ItemsFileName))
        {
            hashed.Add(await PackageFileDigest.ComputeAsync(name, System.IO.Path.Combine(_directory.TempPath, name), cancellationToken).ConfigureAwait(false));
        }
        var files = PackageManifest.Distinct(hashed).ToList();
        var manifest = PackageManifest.Serialize(files);
        await File.WriteAllBytesAsync(System.IO.Path.Combine(_directory.TempPath, PackageManifest.FileName), manifest, cancellationToken).ConfigureAwait(false);
        files.Add(PackageFileDigest.Of(PackageManifest.FileName, manifest));
        return files;
    }

    private void ThrowIfFailed()
    {
        if (_errors.Count == 0)
        {
            return;
        }
        // The first few reasons are enough to act on; a thousand unreachable assets would drown them.
        var shown = string.Join("; ", _errors.Take(5));
        var more = _errors.Count > 5 ? string.Create(CultureInfo.InvariantCulture, $" (and {_errors.Count - 5} more)") : "";
        throw new StacPackageException(string.Create(CultureInfo.InvariantCulture,
            $"the package '{Path}' was not written: {_errors.Count} asset(s) failed: {shown}{more}"));
    }

    /// <summary>Each row with its bundled name, assigned in row order before the copies run in parallel, so the package does not depend on timing.</summary>
    private static async IAsyncEnumerable<(AssetLockEntry Entry, string Relative)> Named(IAsyncEnumerable<AssetLockEntry> entries)
    {
        var names = new BundledAssetNames();
        await foreach (var entry in entries.ConfigureAwait(false))
        {
            yield return (entry, names.Assign(entry.ItemId, entry.AssetKey, entry.Key));
        }
    }

    /// <summary>Copies one asset into the package, hashing while copying, and returns its package-relative row.</summary>
    private async Task<AssetLockBuildResult> BundleAsync((AssetLockEntry Entry, string Relative) named, CancellationToken cancellationToken)
    {
        var (entry, relative) = named;
        var full = PackagePaths.Resolve(_directory.TempPath, relative)
            ?? throw new StacPackageException($"item '{entry.ItemId}' asset '{entry.AssetKey}': no safe name inside the package");
        try
        {
            // Checked before anything is created: a refused row leaves no trace in the package.
            var location = _options.LocalSources.Resolve(entry);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
            var store = _stores.For(location);
            var (checksum, length) = await Retry.RunAsync(ct => CopyAsync(store, location, full, ct), _options.Retry, cancellationToken).ConfigureAwait(false);
            var bundled = new AssetLockEntry
            {
                ItemId = entry.ItemId,
                AssetKey = entry.AssetKey,
                StoreType = "file",
                Key = relative,
                SizeBytes = length,
                FileChecksum = checksum,
            };
            if (entry.FileChecksum is { } declared && !Multihash.Sha256Equals(declared, checksum))
            {
                return new AssetLockBuildResult(entry.ItemId, entry.AssetKey, null,
                    $"item '{entry.ItemId}' asset '{entry.AssetKey}': the copied bytes do not match the locked checksum");
            }
            _bundled.Enqueue(new PackageFileDigest(relative, length, checksum[Multihash.Sha2_256Prefix.Length..]));
            return new AssetLockBuildResult(entry.ItemId, entry.AssetKey, bundled, null);
        }
        catch (StoreException ex)
        {
            return new AssetLockBuildResult(entry.ItemId, entry.AssetKey, null, $"item '{entry.ItemId}' asset '{entry.AssetKey}': {AssetValidator.Describe(ex)}");
        }
        catch (Exception ex) when (ex is LocalPathRefusedException or FormatException)
        {
            // The message already names the item and the asset.
            return new AssetLockBuildResult(entry.ItemId, entry.AssetKey, null, ex.Message);
        }
    }

    private static async Task<(string Checksum, long Length)> CopyAsync(IObjectStore store, AssetLocation location, string target, CancellationToken cancellationToken)
    {
        await using var source = await store.OpenReadAsync(location, 0, null, cancellationToken).ConfigureAwait(false);
        // FileMode.Create: a retry starts the file over.
        await using var output = new FileStream(target, FileMode.Create, FileAccess.Write, FileShare.None, CopyBufferSize, FileOptions.Asynchronous);
        using var hasher = new MultihashHasher();
        var buffer = ArrayPool<byte>.Shared.Rent(CopyBufferSize);
        try
        {
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(0, CopyBufferSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                hasher.Append(buffer.AsSpan(0, read));
                await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        var length = hasher.Length;
        return (hasher.Finish(), length);
    }

    /// <summary>Copies the -Include files into the package root and returns their names.</summary>
    private async Task<List<string>> IncludeFilesAsync(CancellationToken cancellationToken)
    {
        var names = new List<string>();
        foreach (var file in _options.Include ?? [])
        {
            var name = PackagePaths.Segment(System.IO.Path.GetFileName(file));
            if (StacPackageLayout.IsReserved(name))
            {
                throw new StacPackageException($"cannot include '{file}': the name '{name}' is the package's own");
            }
            var target = System.IO.Path.Combine(_directory.TempPath, name);
            if (File.Exists(target))
            {
                throw new StacPackageException($"cannot include '{file}': another included file is already named '{name}'");
            }
            try
            {
                await using var source = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, CopyBufferSize, FileOptions.Asynchronous);
                await using var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, CopyBufferSize, FileOptions.Asynchronous);
                await source.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new StacPackageException($"cannot include '{file}': {ex.Message}", ex);
            }
            names.Add(name);
        }
        return names;
    }

    private void MoveWarnings()
    {
        while (_items.Warnings.TryDequeue(out var warning))
        {
            Warnings.Enqueue(warning);
        }
        while (_builder.Warnings.TryDequeue(out var warning))
        {
            Warnings.Enqueue(warning);
        }
    }

    private async ValueTask DisposeItemsAsync()
    {
        if (!_itemsDisposed)
        {
            _itemsDisposed = true;
            await _items.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Without <see cref="CompleteAsync"/>, drops everything written so far.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_done)
        {
            return;
        }
        _done = true;
        await DisposeItemsAsync().ConfigureAwait(false);
        await StopLockAsync().ConfigureAwait(false);
        _directory.Abandon();
    }

    /// <summary>Stops the lock task if it still runs and waits for it to let go of its files.</summary>
    private async Task StopLockAsync()
    {
        if (!_lockWriting.IsCompleted)
        {
            _stopLock.Cancel();
            _lockInput.Writer.TryComplete();
        }
        // Its failure, if any, was reported by CompleteAsync, or nobody waits for the package.
        await _lockWriting.ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
        _stopLock.Dispose();
    }
}
