using StacPkg.Core.Packaging;

namespace StacPkg.Core.Oci;

/// <summary>
/// Pulls a package artifact into a directory: the manifest must have the stacpkg artifactType and
/// only safe, distinct titles; every layer is downloaded with its size and digest checked; zip
/// layers are unpacked with the same path checks. Everything lands in a hidden folder beside the
/// target that is moved into place only when the whole package is there.
/// </summary>
public static class OciPackageSaver
{
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
        var zipDownload = directory.TempPath + ".layer";
        long bytes = 0;
        try
        {
            var written = new HashSet<string>(StringComparer.Ordinal);
            foreach (var layer in manifest.Layers)
            {
                var title = layer.Title!;
                progress.SetCurrent(title);
                var what = $"{reference} layer '{title}' ({layer.Digest})";
                if (layer.MediaType == OciMediaTypes.FilesZip)
                {
                    await client.DownloadBlobAsync(reference.Repository, layer, zipDownload, what, progress, cancellationToken).ConfigureAwait(false);
                    await ZipLayer.ExtractAsync(zipDownload, directory.TempPath, title, written, cancellationToken).ConfigureAwait(false);
                    File.Delete(zipDownload);
                }
                else
                {
                    if (!written.Add(title))
                    {
                        throw new OciException(OciErrorKind.InvalidArtifact, $"{what}: the file '{title}' is already in another layer");
                    }
                    var full = PackagePaths.Resolve(directory.TempPath, title)!;
                    Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                    await client.DownloadBlobAsync(reference.Repository, layer, full, what, progress, cancellationToken).ConfigureAwait(false);
                }
                bytes += layer.Size;
            }
            if (!StacPackageLayout.IsPackage(directory.TempPath))
            {
                throw new OciException(OciErrorKind.InvalidArtifact,
                    $"{reference} is not a whole package: it has no {StacPackageLayout.ItemsFileName} or {StacPackageLayout.LockFileName} layer");
            }
            cancellationToken.ThrowIfCancellationRequested();
            directory.Commit();
        }
        finally
        {
            File.Delete(zipDownload);
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
            BytesTransferred = bytes,
        };
    }

    /// <summary>Every layer needs a title that is a safe relative path, before anything is downloaded.</summary>
    private static void CheckTitles(OciManifest manifest, OciReference reference, string targetPath)
    {
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
            index++;
        }
    }
}
