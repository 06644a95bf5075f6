using System.Globalization;
using System.Security.Cryptography;
using StacPkg.Core.Packaging;

namespace StacPkg.Core.Oci;

/// <summary>
/// One layer to push: its descriptor and the file holding its bytes; <paramref name="Unverified"/>
/// when the digest is the one the package records, not yet checked against the file's bytes.
/// </summary>
internal sealed record OciPackageLayer(OciDescriptor Descriptor, string FullPath, bool Unverified);

/// <summary>
/// The layers of a package (DESIGN.md, OCI): the two tables, one layer per bundled asset and per
/// extra file, each titled with its package-relative path, sorted by title. Past
/// <paramref name="zipThreshold"/> bundled assets, the assets go into deterministic zip layers
/// instead, so the manifest stays under registries' size and layer-count limits.
/// </summary>
internal static class OciPackageLayers
{
    /// <summary>ECR allows 500 layers in all; this leaves room for the tables and extra files.</summary>
    public const int DefaultZipThreshold = 256;

    /// <summary>Bundled files per zip layer.</summary>
    public const int FilesPerZip = 1000;

    /// <param name="mismatch">The failure for a file whose bytes (path, digest found, digest recorded) are not what the package records.</param>
    public static async Task<List<OciPackageLayer>> PlanAsync(StacPackageInfo package, string scratch, int zipThreshold,
        Func<string, string, string, Exception> mismatch, CancellationToken cancellationToken)
    {
        var layers = new List<OciPackageLayer>();
        var assets = new List<StacPackageFile>();
        foreach (var file in package.Files)
        {
            var full = Path.Combine(package.Path, file.Path);
            if (file.Path.StartsWith(PackagePaths.AssetsFolder + "/", StringComparison.Ordinal))
            {
                assets.Add(file);
                continue;
            }
            var mediaType = file.Path switch
            {
                StacPackageLayout.ItemsFileName => OciMediaTypes.Items,
                StacPackageLayout.LockFileName => OciMediaTypes.AssetLock,
                _ => file.MediaType,
            };
            layers.Add(new(OciDescriptor.Layer(mediaType, OciDigest.FromHex(file.Sha256), file.Size, file.Path), full, package.Unhashed.Contains(file.Path)));
        }
        if (assets.Count <= zipThreshold)
        {
            layers.AddRange(assets.Select(a => new OciPackageLayer(
                OciDescriptor.Layer(OciMediaTypes.Asset, OciDigest.FromHex(a.Sha256), a.Size, a.Path), Path.Combine(package.Path, a.Path), package.Unhashed.Contains(a.Path))));
        }
        else
        {
            // package.Files is sorted by path, so each zip holds a fixed, ordered run of files.
            for (var start = 0; start < assets.Count; start += FilesPerZip)
            {
                var title = string.Create(CultureInfo.InvariantCulture, $"{PackagePaths.AssetsFolder}.{start / FilesPerZip:D4}.zip");
                var zip = Path.Combine(scratch, title);
                // Each file is hashed as it goes into the zip and held to the digest the package records.
                var part = assets.Skip(start).Take(FilesPerZip).Select(a => (a.Path, Path.Combine(package.Path, a.Path),
                    new BlobDigestCheck(OciDigest.FromHex(a.Sha256), a.Size, found => mismatch(a.Path, found, OciDigest.FromHex(a.Sha256)))));
                await ZipLayer.CreateAsync(zip, part, cancellationToken).ConfigureAwait(false);
                var (digest, size) = await DigestAsync(zip, cancellationToken).ConfigureAwait(false);
                layers.Add(new(OciDescriptor.Layer(OciMediaTypes.FilesZip, digest, size, title), zip, Unverified: false));
            }
        }
        layers.Sort((a, b) => string.CompareOrdinal(a.Descriptor.Title, b.Descriptor.Title));
        return layers;
    }

    private static async Task<(string Digest, long Size)> DigestAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var hash = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
        return (OciDigest.FromHash(hash), stream.Length);
    }
}
