using System.Globalization;
using System.Runtime.CompilerServices;
using Parquet;
using StacPkg.Core.GeoParquet;
using StacPkg.Core.Lock;

namespace StacPkg.Core.Packaging;

/// <summary>
/// Checks a package's integrity without touching any store: every file matching its manifest, both
/// tables readable with the right schema kind, lock rows and Item assets matching both ways, bundled
/// files matching the size and sha2-256 checksum their rows hold, and nothing in the folder that the
/// package does not define (no link, no foreign file). Reads only inside the package, never through a
/// link; writes nothing.
/// </summary>
public static class StacPackageValidator
{
    public const string PackageCheck = "package";
    public const string ItemsTableCheck = "items-table";
    public const string LockTableCheck = "lock-table";
    public const string LockRowCheck = "lock-row";
    public const string ItemAssetCheck = "item-asset";
    public const string ManifestCheck = "manifest";
    public const string UndefinedContentCheck = "undefined-content";

    private const string ItemsKind = "items";
    private const string LockKind = "asset-lock";

    /// <summary>Streams one result per check; a package that cannot be read at all gives one failed result and stops.</summary>
    public static async IAsyncEnumerable<StacPackageCheckResult> ValidateAsync(string path, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var root = Path.GetFullPath(path);
        StacPackageCheckResult Result(string check, string target, StacPackageCheckStatus status, string message) =>
            new(root, check, target, status, message);

        string? notPackage = null;
        PackageContent? content = null;
        try
        {
            StacPackageInfo.RequirePackage(root);
            content = PackageContent.Scan(root);
        }
        catch (Exception ex) when (ex is StacPackageException or IOException or UnauthorizedAccessException)
        {
            notPackage = ex.Message;
        }
        if (content is null)
        {
            yield return Result(PackageCheck, root, StacPackageCheckStatus.Failed, notPackage!);
            yield break;
        }

        PackageManifest? manifest = null;
        string? manifestProblem = null;
        try
        {
            manifest = PackageManifest.Read(content);
        }
        catch (StacPackageException ex)
        {
            manifestProblem = ex.Message;
        }
        // Digests of the files the manifest lists, reused by the bundled-file checks below.
        var digests = manifest is null ? [] : await manifest.HashAsync(content, cancellationToken).ConfigureAwait(false);
        foreach (var result in ManifestResults(root, manifest, manifestProblem, content, digests))
        {
            yield return result;
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
        var lockPaths = new List<string>();
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
                if (content.FileOf(entry) is { } relative)
                {
                    lockPaths.Add(relative);
                }
                yield return await CheckRowAsync(content, entry, itemsProblem is null ? itemAssets : null, digests, cancellationToken).ConfigureAwait(false);
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

        var undefined = content.Undefined(content.Defined(manifest, lockPaths));
        foreach (var entry in undefined)
        {
            yield return Result(UndefinedContentCheck, entry.Path, StacPackageCheckStatus.Failed, $"'{entry.Path}' is {entry.Message}") with { File = entry.Path };
        }
        if (undefined.Count == 0)
        {
            yield return Result(UndefinedContentCheck, root, StacPackageCheckStatus.Passed, "the package holds no link and no file it does not define");
        }
    }

    private static IEnumerable<StacPackageCheckResult> ManifestResults(string root, PackageManifest? manifest, string? problem,
        PackageContent content, Dictionary<string, PackageFileDigest> digests)
    {
        if (problem is not null)
        {
            yield return new(root, ManifestCheck, PackageManifest.FileName, StacPackageCheckStatus.Failed, problem) { File = PackageManifest.FileName };
            yield break;
        }
        if (manifest is null)
        {
            yield return new(root, ManifestCheck, PackageManifest.FileName, StacPackageCheckStatus.Warning,
                $"the package has no {PackageManifest.FileName} (an older StacPkg or another implementation made it): its own files are not covered by digests");
            yield break;
        }
        var mismatches = manifest.Compare(content, digests);
        foreach (var mismatch in mismatches)
        {
            yield return new(root, ManifestCheck, mismatch.Path, StacPackageCheckStatus.Failed, $"'{mismatch.Path}' does not match the manifest: {mismatch.Message}") { File = mismatch.Path };
        }
        if (mismatches.Count == 0)
        {
            yield return new(root, ManifestCheck, PackageManifest.FileName, StacPackageCheckStatus.Passed,
                string.Create(CultureInfo.InvariantCulture, $"{manifest.Files.Count} files match the manifest"));
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

    private static async Task<StacPackageCheckResult> CheckRowAsync(PackageContent content, AssetLockEntry entry,
        Dictionary<(string, string), bool>? itemAssets, Dictionary<string, PackageFileDigest> digests, CancellationToken cancellationToken)
    {
        var root = content.Root;
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
            if (content.Relative(entry.Key) is not { } relative)
            {
                problems.Add($"the path '{entry.Key}' leaves the package");
            }
            else
            {
                problems.AddRange(await CheckFileAsync(content, relative, entry, digests, cancellationToken).ConfigureAwait(false));
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

    private static async Task<List<string>> CheckFileAsync(PackageContent content, string relative, AssetLockEntry entry,
        Dictionary<string, PackageFileDigest> digests, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        if (!content.Files.TryGetValue(relative, out var full))
        {
            problems.Add(content.LinkOn(relative) is { } link
                ? $"bundled file '{entry.Key}' is a link or lies behind the link '{link}'; it is not read"
                : $"bundled file '{entry.Key}' is missing");
            return problems;
        }
        if (!digests.TryGetValue(relative, out var actual))
        {
            actual = await PackageFileDigest.ComputeAsync(relative, full, cancellationToken).ConfigureAwait(false);
        }
        if (entry.SizeBytes is { } size && actual.Size != size)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"bundled file '{entry.Key}' has {actual.Size} bytes, the lock says {size}"));
        }
        var checksum = Multihash.Sha2_256Prefix + actual.Sha256;
        if (entry.FileChecksum is { } expected && !Multihash.Sha256Equals(expected, checksum))
        {
            problems.Add($"bundled file '{entry.Key}' has checksum {Multihash.Shorten(checksum)}, the lock says {Multihash.Shorten(expected)}");
        }
        return problems;
    }
}
