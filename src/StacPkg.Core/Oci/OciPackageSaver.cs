using System.Text;
using StacPkg.Core.Lock;
using StacPkg.Core.Packaging;

namespace StacPkg.Core.Oci;

/// <summary>
/// Pulls a package artifact into a directory: the manifest must have the stacpkg artifactType and
/// only safe, distinct titles; every layer is downloaded with its size and digest checked; zip
/// layers are unpacked with the same path checks, every file must match the package's
/// <see cref="PackageManifest"/> when it has one, and no file may be one the package does not define. Everything lands in a hidden folder beside the
/// target that is moved into place only when the whole package is there.
/// </summary>
public static class OciPackageSaver
{
    // The longest file or folder name ext4, XFS, APFS and NTFS hold (NTFS counts UTF-16 units; bytes are the stricter bound).
    private const int MaxNameBytes = 255;

    /// <exception cref="OciException">Not found, not a package, unsafe, or bytes that are not what the manifest says; nothing is written under the target.</exception>
    /// <exception cref="StacPackageException">The target cannot be written (its folder is missing, or it exists and <paramref name="force"/> is off).</exception>
    public static async Task<OciPackageDescriptor> SaveAsync(OciReference reference, string targetPath, bool force, OciRegistryOptions registry,
        OciTransferProgress progress, CancellationToken cancellationToken)
    {
        using var client = new OciRegistryClient(reference.Registry, registry, push: false);
        var (json, digest) = await client.GetManifestAsync(reference.Repository, reference.ManifestReference, cancellationToken).ConfigureAwait(false);
        var manifest = OciManifest.Parse(json, reference.ToString());
        if (manifest.ArtifactType != OciMediaTypes.Package)
        {
            var actual = manifest.ArtifactType is null ? "no artifactType" : $"artifactType '{manifest.ArtifactType}'";
            throw new OciException(OciErrorKind.InvalidArtifact, $"{reference} is not a stacpkg package: its manifest has {actual}, not '{OciMediaTypes.Package}'");
        }
        CheckTitles(manifest, reference, targetPath);
        progress.AddTotal(manifest.Layers.Sum(l => l.Size));

        var directory = new PackageDirectory(targetPath, force);
        // Zip layers are downloaded beside the package folder, then unpacked into it one after the other.
        string ZipPath(int index) => $"{directory.TempPath}.layer{index}";
        var zips = manifest.Layers.Select((layer, index) => (Layer: layer, Path: ZipPath(index)))
            .Where(z => z.Layer.MediaType == OciMediaTypes.FilesZip).ToList();
        try
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = registry.ThrottleLimit, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(manifest.Layers.Select((layer, index) => (layer, index)), parallel, async (entry, token) =>
            {
                var (layer, index) = entry;
                var title = layer.Title!;
                progress.SetCurrent(title);
                var what = $"{reference} layer '{title}' ({layer.Digest})";
                var target = layer.MediaType == OciMediaTypes.FilesZip ? ZipPath(index) : PackagePaths.Resolve(directory.TempPath, title)!;
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                await client.DownloadBlobAsync(reference.Repository, layer, target, what, progress, token).ConfigureAwait(false);
            }).ConfigureAwait(false);
            var written = new HashSet<string>(manifest.Layers.Where(l => l.MediaType != OciMediaTypes.FilesZip).Select(l => l.Title!), StringComparer.Ordinal);
            var lockedFiles = zips.Count == 0 ? new Dictionary<string, long?>() : await LockedFilesAsync(directory.TempPath, reference, cancellationToken).ConfigureAwait(false);
            foreach (var (layer, path) in zips)
            {
                await ZipLayer.ExtractAsync(path, directory.TempPath, layer.Title!, written, lockedFiles, cancellationToken).ConfigureAwait(false);
                File.Delete(path);
            }
            if (!StacPackageLayout.IsPackage(directory.TempPath))
            {
                throw new OciException(OciErrorKind.InvalidArtifact,
                    $"{reference} is not a whole package: it has no {StacPackageLayout.ItemsFileName} or {StacPackageLayout.LockFileName} layer");
            }
            // A file layer's bytes were hashed as they were written and match its digest: they are not read again.
            var hashed = manifest.Layers.Where(l => l.MediaType != OciMediaTypes.FilesZip)
                .ToDictionary(l => l.Title!, l => new PackageFileDigest(l.Title!, l.Size, l.Digest[OciDigest.Prefix.Length..]), StringComparer.Ordinal);
            var pulled = await ReadPulledAsync(reference, directory.TempPath, hashed, cancellationToken).ConfigureAwait(false);
            if (pulled.Mismatches.Count > 0)
            {
                throw new OciException(OciErrorKind.InvalidArtifact,
                    $"{reference}: the pulled files do not match the package's {PackageManifest.FileName}: {StacPackageEntry.Summarize(pulled.Mismatches)}");
            }
            if (pulled.UndefinedEntries.Count > 0)
            {
                // A sender can add any file (a .git/config whose core.fsmonitor git runs in the folder): only what the package defines is saved.
                throw new OciException(OciErrorKind.InvalidArtifact,
                    $"{reference} holds files the package does not define: {StacPackageEntry.Summarize(pulled.UndefinedEntries)}");
            }
            cancellationToken.ThrowIfCancellationRequested();
            MarkChecked(directory.TempPath);
            directory.Commit();
        }
        finally
        {
            foreach (var (_, path) in zips)
            {
                File.Delete(path);
            }
            directory.Abandon();
        }
        return new OciPackageDescriptor
        {
            Reference = reference.ToString(),
            Digest = digest,
            Size = json.Length,
            Path = directory.Target,
            Layers = manifest.Layers.Count,
            BlobsDownloaded = manifest.Layers.Count,
            BytesTransferred = manifest.Layers.Sum(l => l.Size),
        };
    }

    /// <summary>What the pulled lock says zip layers may hold; no lock, no zip layer content.</summary>
    private static async Task<IReadOnlyDictionary<string, long?>> LockedFilesAsync(string package, OciReference reference, CancellationToken cancellationToken)
    {
        var lockPath = Path.Combine(package, StacPackageLayout.LockFileName);
        if (!File.Exists(lockPath))
        {
            return new Dictionary<string, long?>();
        }
        try
        {
            return await ZipLayer.LockedFilesAsync(package, cancellationToken).ConfigureAwait(false);
        }
        catch (AssetLockException ex)
        {
            throw new OciException(OciErrorKind.InvalidArtifact, $"{reference}: its {StacPackageLayout.LockFileName} does not read: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Every file was just checked against the package's manifest: the manifest's time says so, so a
    /// later push of the folder announces the recorded digests of files not written since (still
    /// hashing them as it sends them) instead of reading every file twice.
    /// </summary>
    private static void MarkChecked(string root)
    {
        var manifest = Path.Combine(root, PackageManifest.FileName);
        if (File.Exists(manifest))
        {
            File.SetLastWriteTimeUtc(manifest, DateTime.UtcNow);
        }
    }

    private static async Task<StacPackageInfo> ReadPulledAsync(OciReference reference, string root, IReadOnlyDictionary<string, PackageFileDigest> hashed,
        CancellationToken cancellationToken)
    {
        try
        {
            return await StacPackageInfo.ReadAsync(root, hashed, trustRecorded: false, cancellationToken).ConfigureAwait(false);
        }
        catch (StacPackageException ex)
        {
            throw new OciException(OciErrorKind.InvalidArtifact, $"{reference}: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Every layer needs a title that is a safe relative path, no two the same, and none the folder
    /// of another ('docs' beside 'docs/a.md' could be written as neither), before anything is downloaded.
    /// </summary>
    private static void CheckTitles(OciManifest manifest, OciReference reference, string targetPath)
    {
        var titles = new HashSet<string>(StringComparer.Ordinal);
        // Each folder a title lies in, with that title.
        var folders = new Dictionary<string, string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var layer in manifest.Layers)
        {
            if (layer.Title is not { } title)
            {
                throw new OciException(OciErrorKind.InvalidArtifact, $"{reference}: layer {index} ({layer.Digest}) has no {OciMediaTypes.TitleAnnotation} annotation");
            }
            if (PackagePaths.Resolve(targetPath, title) is null)
            {
                throw new OciException(OciErrorKind.InvalidArtifact, $"{reference}: layer {index} has the title '{title}', an absolute path or one that leaves the package");
            }
            if (!titles.Add(title))
            {
                throw new OciException(OciErrorKind.InvalidArtifact, $"{reference}: layer {index} has the title '{title}' of another layer");
            }
            // A name no file system holds fails every attempt to write it; refused here, it is not retried as a transient error.
            if (title.Split('/').FirstOrDefault(name => Encoding.UTF8.GetByteCount(name) > MaxNameBytes) is { } longName)
            {
                throw new OciException(OciErrorKind.InvalidArtifact,
                    $"{reference}: layer {index} has a title with a name of {Encoding.UTF8.GetByteCount(longName)} bytes ('{longName[..40]}…'), longer than the {MaxNameBytes} a file system allows");
            }
            for (var slash = title.IndexOf('/'); slash > 0; slash = title.IndexOf('/', slash + 1))
            {
                folders.TryAdd(title[..slash], title);
            }
            index++;
        }
        if (folders.FirstOrDefault(f => titles.Contains(f.Key)) is { Key: { } folder, Value: { } within })
        {
            throw new OciException(OciErrorKind.InvalidArtifact,
                $"{reference}: the layer titles '{folder}' and '{within}' conflict: '{folder}' cannot be both a file and the folder of '{within}'");
        }
    }
}
