using System.IO.Compression;
using StacPkg.Core.Lock;
using StacPkg.Core.Packaging;

namespace StacPkg.Core.Oci;

/// <summary>
/// Many small package files as one layer (<see cref="OciMediaTypes.FilesZip"/>): entries sorted by
/// path, stored uncompressed (asset formats are compressed already, and stored bytes do not depend
/// on a zlib version) with a fixed timestamp, so the same files always give the same zip and digest.
/// </summary>
public static class ZipLayer
{
    /// <summary>The earliest time a zip entry can hold; every entry gets it.</summary>
    private static readonly DateTimeOffset FixedTime = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Writes the files (package-relative path with '/', full path, the check of its bytes) into a
    /// new zip at <paramref name="target"/>; a file whose bytes fail its check throws the check's failure.
    /// </summary>
    internal static async Task CreateAsync(string target, IEnumerable<(string Relative, string FullPath, BlobDigestCheck Check)> files, CancellationToken cancellationToken)
    {
        await using var output = new FileStream(target, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var (relative, full, check) in files.OrderBy(f => f.Relative, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var _ = check;
            var entry = zip.CreateEntry(relative, CompressionLevel.NoCompression);
            entry.LastWriteTime = FixedTime;
            await using var source = new DigestCheckingStream(
                new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan), check, 0);
            await using var stream = entry.Open();
            await source.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
            check.Complete();
        }
    }

    /// <summary>
    /// A zip layer expands to at most this many times its size (deflate reaches ~1000; stored entries,
    /// as we write them, 1), whatever its lock declares: the lock comes from the same sender.
    /// </summary>
    private const long MaxRatio = 100;

    /// <summary>...or to this much, for a small layer.</summary>
    private const long MinBudget = 64L << 20;

    private const int CopyBufferSize = 1 << 16;

    /// <summary>
    /// The bundled files the lock of <paramref name="package"/> names (its file rows inside the package),
    /// with the size each row declares: the only files a zip layer may hold, and at most that big.
    /// </summary>
    /// <exception cref="AssetLockException">The lock does not read.</exception>
    public static async Task<IReadOnlyDictionary<string, long?>> LockedFilesAsync(string package, CancellationToken cancellationToken)
    {
        var files = new Dictionary<string, long?>(StringComparer.Ordinal);
        await foreach (var row in AssetLockFile.ReadAsync(Path.Combine(package, StacPackageLayout.LockFileName), cancellationToken).ConfigureAwait(false))
        {
            if (row.Entry is { } entry && PackageContent.FileOf(package, entry) is { } relative)
            {
                files[relative] = entry.SizeBytes;
            }
        }
        return files;
    }

    /// <summary>
    /// Extracts a zip layer under <paramref name="root"/>. Every entry must be a file
    /// <paramref name="lockedFiles"/> names, not already there (from another layer), inside the
    /// package; it may expand to at most the size its lock row declares, counted as written (the
    /// zip's own size fields are the sender's word), and the whole layer to <see cref="MaxRatio"/>
    /// times its size (at least <see cref="MinBudget"/>). Anything else is refused, so a small layer cannot fill the disk.
    /// </summary>
    /// <exception cref="OciException">An unsafe, unknown, duplicate or oversized entry, or a zip that does not read (InvalidArtifact).</exception>
    public static async Task ExtractAsync(string zipPath, string root, string layer, ISet<string> written,
        IReadOnlyDictionary<string, long?> lockedFiles, CancellationToken cancellationToken)
    {
        try
        {
            await using var input = new FileStream(zipPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
            var most = Math.Max(MinBudget, input.Length * MaxRatio);
            var budget = most;
            using var zip = new ZipArchive(input, ZipArchiveMode.Read);
            foreach (var entry in zip.Entries)
            {
                if (entry.FullName.EndsWith('/'))
                {
                    continue; // a folder entry: folders come with their files
                }
                var full = PackagePaths.Resolve(root, entry.FullName)
                    ?? throw new OciException(OciErrorKind.InvalidArtifact, $"layer '{layer}': the zip entry '{entry.FullName}' is an absolute path or leaves the package");
                if (!lockedFiles.TryGetValue(entry.FullName, out var size))
                {
                    throw new OciException(OciErrorKind.InvalidArtifact, $"layer '{layer}': the zip entry '{entry.FullName}' is not a bundled file the asset lock names");
                }
                if (!written.Add(entry.FullName))
                {
                    throw new OciException(OciErrorKind.InvalidArtifact, $"layer '{layer}': the zip entry '{entry.FullName}' is a file another layer already holds");
                }
                var limit = Math.Min(size ?? long.MaxValue, budget);
                var count = await CopyAtMostAsync(entry, full, limit, cancellationToken).ConfigureAwait(false);
                if (count > limit)
                {
                    var bound = limit == size
                        ? $"{limit} bytes, the size its lock row declares"
                        : $"the {most} bytes its zip layer of {input.Length} bytes may expand to in all";
                    throw new OciException(OciErrorKind.InvalidArtifact, $"layer '{layer}': the zip entry '{entry.FullName}' expands beyond {bound}; nothing was saved");
                }
                budget -= count;
            }
        }
        catch (InvalidDataException ex)
        {
            throw new OciException(OciErrorKind.InvalidArtifact, $"layer '{layer}' is not a readable zip: {ex.Message}", ex);
        }
    }

    /// <summary>Writes the entry to <paramref name="target"/>, stopping after <paramref name="limit"/> + 1 bytes; returns the bytes written.</summary>
    private static async Task<long> CopyAtMostAsync(ZipArchiveEntry entry, string target, long limit, CancellationToken cancellationToken)
    {
        if (entry.Length > limit)
        {
            return entry.Length; // the zip says so itself: no need to inflate it
        }
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        await using var source = entry.Open();
        await using var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, CopyBufferSize, FileOptions.Asynchronous);
        var buffer = new byte[CopyBufferSize];
        long count = 0;
        while (count <= limit)
        {
            var want = (int)Math.Min(buffer.Length, limit + 1 - count);
            var read = await source.ReadAsync(buffer.AsMemory(0, want), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }
            await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            count += read;
        }
        return count;
    }
}
