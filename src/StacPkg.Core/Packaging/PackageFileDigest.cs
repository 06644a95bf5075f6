using System.Security.Cryptography;

namespace StacPkg.Core.Packaging;

/// <summary>One file of a package as its manifest records it: package-relative path (with '/'), size, and sha256 (lowercase hex).</summary>
public sealed record PackageFileDigest(string Path, long Size, string Sha256)
{
    /// <summary>Hashes the regular file at <paramref name="fullPath"/>.</summary>
    internal static async Task<PackageFileDigest> ComputeAsync(string relative, string fullPath, CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var digest = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
        return new PackageFileDigest(relative, stream.Length, Hex(digest));
    }

    /// <summary>The digest of a file whose bytes are at hand.</summary>
    internal static PackageFileDigest Of(string relative, byte[] bytes) => new(relative, bytes.Length, Hex(SHA256.HashData(bytes)));

    private static string Hex(byte[] digest) => Convert.ToHexString(digest).ToLowerInvariant();
}
