using System.Globalization;
using System.Runtime.CompilerServices;
using Parquet;
using StacPkg.Core.GeoParquet;
using StacPkg.Core.Lock;

namespace StacPkg.Core.Packaging;

/// <summary>
/// Checks a package's integrity without touching any store: both tables readable with the right
/// schema kind, lock rows and Item assets matching both ways, bundled files matching the size and
/// sha2-256 checksum their rows hold. Reads only inside the package; writes nothing.
/// </summary>
public static class StacPackageValidator
{
    public const string PackageCheck = "package";
    public const string ItemsTableCheck = "items-table";
    public const string LockTableCheck = "lock-table";
    public const string LockRowCheck = "lock-row";
    public const string ItemAssetCheck = "item-asset";

    private const string ItemsKind = "items";
    private const string LockKind = "asset-lock";

    /// <summary>Streams one result per check; a package that cannot be read at all gives one failed result and stops.</summary>
    public static async IAsyncEnumerable<StacPackageCheckResult> ValidateAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(path);
        StacPackageCheckResult Result(string check, string target, StacPackageCheckStatus status, string message) =>
            new(root, check, target, status, message);

        string? notPackage = null;
        try
        {
            StacPackageInfo.RequirePackage(root);
        }
        catch (StacPackageException ex)
        {
            notPackage = ex.Message;
        }
        if (notPackage is not null)
        {
            yield return Result(PackageCheck, root, StacPackageCheckStatus.Failed, notPackage);
            yield break;
        }

        var itemsFile = Path.Combine(root, StacPackageLayout.ItemsFileName);
        var lockFile = Path.Combine(root, StacPackageLayout.LockFileName);
        var itemsProblem = await SchemaKindProblemAsync(itemsFile, ItemsKind, cancellationToken).ConfigureAwait(false);
        var itemAssets = new Dictionary<(string ItemId, string AssetKey), bool>();
        long items = 0;
        if (itemsProblem is null)
        {
            try
            {
                await foreach (var item in GeoParquetItemReader.ReadAsync(itemsFile, cancellationToken).ConfigureAwait(false))
                {
                    items++;
                    foreach (var key in item.Assets.Keys)
                    {
                        itemAssets[(item.Id, key)] = false;
                    }
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                itemsProblem = $"{StacPackageLayout.ItemsFileName} is not readable: {ex.Message}";
            }
        }
        yield return itemsProblem is null
            ? Result(ItemsTableCheck, StacPackageLayout.ItemsFileName, StacPackageCheckStatus.Passed, string.Create(CultureInfo.InvariantCulture, $"{items} items"))
            : Result(ItemsTableCheck, StacPackageLayout.ItemsFileName, StacPackageCheckStatus.Failed, itemsProblem);

        var lockProblem = await SchemaKindProblemAsync(lockFile, LockKind, cancellationToken).ConfigureAwait(false);
        if (lockProblem is not null)
        {
            yield return Result(LockTableCheck, StacPackageLayout.LockFileName, StacPackageCheckStatus.Failed, lockProblem);
            yield break;
        }

        long rows = 0;
        var reader = AssetLockFile.ReadAsync(lockFile, cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (reader.ConfigureAwait(false))
        {
            while (true)
            {
                AssetLockReadResult row;
                string? readProblem = null;
                try
                {
                    if (!await reader.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }
                    row = reader.Current;
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    readProblem = $"{StacPackageLayout.LockFileName} is not readable: {ex.Message}";
                    row = default;
                }
                if (readProblem is not null)
                {
                    yield return Result(LockTableCheck, StacPackageLayout.LockFileName, StacPackageCheckStatus.Failed, readProblem);
                    yield break;
                }
                rows++;
                if (row.Entry is not { } entry)
                {
                    yield return Result(LockRowCheck, StacPackageLayout.LockFileName, StacPackageCheckStatus.Failed, row.Error!.Message);
                    continue;
                }
                yield return await CheckRowAsync(root, entry, itemsProblem is null ? itemAssets : null, cancellationToken).ConfigureAwait(false);
            }
        }
        yield return Result(LockTableCheck, StacPackageLayout.LockFileName, StacPackageCheckStatus.Passed, string.Create(CultureInfo.InvariantCulture, $"{rows} rows"));

        foreach (var ((itemId, assetKey), locked) in itemAssets)
        {
            if (!locked)
            {
                yield return Result(ItemAssetCheck, $"{itemId}/{assetKey}", StacPackageCheckStatus.Warning,
                    $"item '{itemId}' asset '{assetKey}' has no row in the lock");
            }
        }
    }

    /// <summary>Null when the file is readable Parquet whose <c>stacpkg:schema-kind</c> is <paramref name="kind"/>; else why not.</summary>
    private static async Task<string?> SchemaKindProblemAsync(string file, string kind, CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(file);
        try
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
            await using var reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            var metadata = reader.CustomMetadata ?? new Dictionary<string, string>();
            if (!metadata.TryGetValue(GeoParquetMetadata.SchemaKindKey, out var actual))
            {
                return $"{name} has no {GeoParquetMetadata.SchemaKindKey} metadata (expected '{kind}')";
            }
            return actual == kind ? null : $"{name} has {GeoParquetMetadata.SchemaKindKey} '{actual}', expected '{kind}'";
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return $"{name} is not readable Parquet: {ex.Message}";
        }
    }

    private static async Task<StacPackageCheckResult> CheckRowAsync(
        string root, AssetLockEntry entry, Dictionary<(string, string), bool>? itemAssets, CancellationToken cancellationToken)
    {
        var target = $"{entry.ItemId}/{entry.AssetKey}";
        var problems = new List<string>();
        if (itemAssets is not null)
        {
            if (itemAssets.ContainsKey((entry.ItemId, entry.AssetKey)))
            {
                itemAssets[(entry.ItemId, entry.AssetKey)] = true;
            }
            else
            {
                problems.Add($"no item '{entry.ItemId}' with asset '{entry.AssetKey}' in {StacPackageLayout.ItemsFileName}");
            }
        }
        string? bundled = null;
        if (IsBundled(entry))
        {
            // A bundled row's file belongs to the package: it must stay inside it and match its facts.
            // Other relative file rows are an Item's own relative hrefs, kept as they were.
            bundled = entry.Key;
            var full = PackagePaths.Resolve(root, entry.Key);
            if (full is null)
            {
                problems.Add($"the path '{entry.Key}' leaves the package");
            }
            else
            {
                problems.AddRange(await CheckFileAsync(full, entry, cancellationToken).ConfigureAwait(false));
            }
        }
        var status = problems.Count == 0 ? StacPackageCheckStatus.Passed : StacPackageCheckStatus.Failed;
        var message = problems.Count == 0
            ? bundled is null ? $"item '{entry.ItemId}' asset '{entry.AssetKey}' is locked" : $"bundled file '{bundled}' matches its row"
            : $"item '{entry.ItemId}' asset '{entry.AssetKey}': {string.Join("; ", problems)}";
        return new StacPackageCheckResult(root, LockRowCheck, target, status, message) { File = bundled };
    }

    /// <summary>A file row under <c>assets/</c>: content the package carries.</summary>
    public static bool IsBundled(AssetLockEntry entry) =>
        entry.StoreType == "file"
        && (entry.Key.StartsWith(PackagePaths.AssetsFolder + "/", StringComparison.Ordinal)
            || entry.Key.StartsWith(PackagePaths.AssetsFolder + "\\", StringComparison.Ordinal));

    private static async Task<List<string>> CheckFileAsync(string full, AssetLockEntry entry, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        if (!File.Exists(full))
        {
            problems.Add($"bundled file '{entry.Key}' is missing");
            return problems;
        }
        await using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        if (entry.SizeBytes is { } size && stream.Length != size)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"bundled file '{entry.Key}' has {stream.Length} bytes, the lock says {size}"));
        }
        if (entry.FileChecksum is { } expected)
        {
            var actual = await FileChecksum.ComputeAsync(stream, cancellationToken).ConfigureAwait(false);
            if (!Multihash.Sha256Equals(expected, actual))
            {
                problems.Add($"bundled file '{entry.Key}' has checksum {Multihash.Shorten(actual)}, the lock says {Multihash.Shorten(expected)}");
            }
        }
        return problems;
    }
}
