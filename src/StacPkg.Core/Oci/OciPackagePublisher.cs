using StacPkg.Core.Packaging;

namespace StacPkg.Core.Oci;

/// <summary>
/// Pushes a package directory as an OCI artifact: every blob is asked for first (HEAD) and only
/// uploaded when the registry lacks it (or mounted from <see cref="OciPublishOptions.MountFrom"/>),
/// then the manifest is put under the tag. The same package gives the same manifest digest. Only the
/// files the package defines are sent, never through a link; a package whose files differ from its
/// manifest is refused, and so is one holding links or files it does not define unless
/// <see cref="OciPublishOptions.SkipUndefinedContent"/> leaves them out. Each file is read once: one
/// untouched since the manifest announces the recorded digest and is hashed as it is sent (or, when
/// the registry has the blob, read to check it), any other is hashed while the package is read.
/// </summary>
public static class OciPackagePublisher
{
    /// <exception cref="StacPackageException">The path is not a readable package.</exception>
    /// <exception cref="StacPackageContentException">Files differ from the manifest, or undefined content is not to be skipped; nothing was sent.</exception>
    /// <exception cref="OciException">The registry refused or failed; the message names the layer.</exception>
    public static async Task<OciPackageDescriptor> PublishAsync(string packagePath, OciReference reference, OciRegistryOptions registry,
        OciPublishOptions options, OciTransferProgress progress, CancellationToken cancellationToken)
    {
        var scratch = Path.Combine(Path.GetTempPath(), $"stacpkg-oci-{Guid.NewGuid():N}");
        Directory.CreateDirectory(scratch);
        try
        {
            var (manifest, layers, skipped) = await PlanAsync(packagePath, options, scratch, cancellationToken).ConfigureAwait(false);
            var root = Path.GetFullPath(packagePath);
            var json = manifest.ToJson();
            if (reference.Digest is { } pinned && pinned != OciDigest.Of(json))
            {
                throw new OciException(OciErrorKind.InvalidArtifact, $"{reference}: the package's manifest has digest {OciDigest.Of(json)}, not the one in the reference");
            }
            progress.AddTotal(layers.Sum(l => l.Descriptor.Size));
            using var client = new OciRegistryClient(reference.Registry, registry, push: true);
            int uploaded = 0, present = 0, mounted = 0;
            long bytes = 0;
            var config = OciDescriptor.EmptyConfig;
            var blobs = layers.Prepend(null);
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = registry.ThrottleLimit, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(blobs, parallel, async (layer, token) =>
            {
                var blob = layer?.Descriptor ?? config;
                progress.SetCurrent(blob.Title ?? "config");
                // Every byte sent is hashed on its way and held to the layer's digest before the last one leaves.
                using var check = layer is null ? null : new BlobDigestCheck(blob.Digest, blob.Size, found => Mismatch(root, blob, found));
                Func<long, Stream> open = layer is null
                    ? offset => new MemoryStream("{}"u8.ToArray()[(int)offset..])
                    : offset => new DigestCheckingStream(OpenAt(layer.FullPath, offset), check!, offset);
                if (await client.BlobExistsAsync(reference.Repository, blob.Digest, token).ConfigureAwait(false))
                {
                    await VerifyUnsentAsync(layer, open, check, token).ConfigureAwait(false);
                    Interlocked.Increment(ref present);
                }
                else if (options.MountFrom is { } from && from != reference.Repository
                    && await client.MountBlobAsync(reference.Repository, blob.Digest, from, token).ConfigureAwait(false))
                {
                    await VerifyUnsentAsync(layer, open, check, token).ConfigureAwait(false);
                    Interlocked.Increment(ref mounted);
                }
                else
                {
                    await client.PushBlobAsync(reference.Repository, blob, open, progress, token).ConfigureAwait(false);
                    check?.Complete();
                    Interlocked.Increment(ref uploaded);
                    Interlocked.Add(ref bytes, blob.Size);
                    return;
                }
                if (layer is not null)
                {
                    progress.AddDone(blob.Size);
                }
            }).ConfigureAwait(false);
            // The manifest goes last: the tag never points at blobs the registry does not have.
            progress.SetCurrent("manifest");
            var digest = await client.PutManifestAsync(reference.Repository, reference.ManifestReference, json, cancellationToken).ConfigureAwait(false);
            return new OciPackageDescriptor
            {
                Reference = reference.ToString(),
                Digest = digest,
                Size = json.Length,
                Path = root,
                Layers = layers.Count,
                BlobsUploaded = uploaded,
                BlobsPresent = present,
                BlobsMounted = mounted,
                BytesTransferred = bytes,
                Skipped = skipped,
            };
        }
        finally
        {
            try
            {
                Directory.Delete(scratch, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Best effort: leftover zips in the temp folder must not hide the real outcome.
            }
        }
    }

    /// <summary>
    /// The manifest and layers of a package, without a registry, and the undefined entries left out;
    /// zip layers are written into <paramref name="scratch"/>.
    /// </summary>
    internal static async Task<(OciManifest Manifest, List<OciPackageLayer> Layers, IReadOnlyList<StacPackageEntry> Skipped)> PlanAsync(
        string packagePath, OciPublishOptions options, string scratch, CancellationToken cancellationToken)
    {
        // Files that look untouched since the package's manifest was written keep its digests unread: each is hashed once, as it is sent.
        var package = await StacPackageInfo.ReadAsync(packagePath, null, trustRecorded: true, cancellationToken).ConfigureAwait(false);
        if (package.Mismatches.Count > 0)
        {
            throw FilesDiffer(package.Path, package.Mismatches);
        }
        if (package.UndefinedEntries.Count > 0 && !options.SkipUndefinedContent)
        {
            throw new StacPackageContentException(
                $"the package '{package.Path}' is not published: it holds links or files it does not define (use -SkipUndefinedContent to publish only what it defines)",
                package.UndefinedEntries, corrupt: false);
        }
        var layers = await OciPackageLayers.PlanAsync(package, scratch, options.ZipThreshold,
            (path, found, recorded) => FilesDiffer(package.Path, [PackageManifest.DigestMismatch(path, Hex(found), Hex(recorded))]), cancellationToken).ConfigureAwait(false);
        var manifest = new OciManifest
        {
            ArtifactType = OciMediaTypes.Package,
            Config = OciDescriptor.EmptyConfig,
            Layers = layers.ConvertAll(l => l.Descriptor),
            Annotations = options.Annotations,
        };
        return (manifest, layers, package.UndefinedEntries);
    }

    private static StacPackageContentException FilesDiffer(string root, IReadOnlyList<StacPackageEntry> mismatches) =>
        new($"the package '{root}' is not published: files differ from its {PackageManifest.FileName}", mismatches, corrupt: true);

    private static StacPackageContentException Mismatch(string root, OciDescriptor blob, string found) =>
        FilesDiffer(root, [PackageManifest.DigestMismatch(blob.Title ?? blob.Digest, Hex(found), Hex(blob.Digest))]);

    private static string Hex(string digest) => digest[OciDigest.Prefix.Length..];

    /// <summary>
    /// A layer the registry has already (or mounted) is not sent, but one whose digest is only what
    /// the package records is still read and held to it: the tag never names bytes the file does not have.
    /// </summary>
    private static async Task VerifyUnsentAsync(OciPackageLayer? layer, Func<long, Stream> open, BlobDigestCheck? check, CancellationToken cancellationToken)
    {
        if (layer is not { Unverified: true } || check is null)
        {
            return;
        }
        await using (var stream = open(0))
        {
            await stream.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
        }
        check.Complete();
    }

    private static FileStream OpenAt(string path, long offset)
    {
        // No buffer of its own: the upload reads it in 1 MiB pieces.
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 0, FileOptions.SequentialScan);
        stream.Seek(offset, SeekOrigin.Begin);
        return stream;
    }
}
