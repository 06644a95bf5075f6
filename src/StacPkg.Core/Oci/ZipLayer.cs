using System.IO.Compression;
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

    /// <summary>Writes the files (package-relative path with '/', full path) into a new zip at <paramref name="target"/>.</summary>
    public static async Task CreateAsync(string target, IEnumerable<(string Relative, string FullPath)> files, CancellationToken cancellationToken)
    {
        await using var output = new FileStream(target, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.Asynchronous);
        using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var (relative, full) in files.OrderBy(f => f.Relative, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var entry = zip.CreateEntry(relative, CompressionLevel.NoCompression);
            entry.LastWriteTime = FixedTime;
            await using var source = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
            await using var stream = entry.Open();
            await source.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Extracts a zip layer under <paramref name="root"/>. An entry with an absolute path or '..',
    /// or one that is already there (from another layer), is refused before anything of it is written.
    /// </summary>
    /// <exception cref="OciException">An unsafe or duplicate entry, or a zip that does not read (InvalidArtifact).</exception>
    public static async Task ExtractAsync(string zipPath, string root, string layer, ISet<string> written, CancellationToken cancellationToken)
    {
        try
        {
            await using var input = new FileStream(zipPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
            using var zip = new ZipArchive(input, ZipArchiveMode.Read);
            foreach (var entry in zip.Entries)
            {
                if (entry.FullName.EndsWith('/'))
                {
                    continue; // a folder entry: folders come with their files
                }
                var full = PackagePaths.Resolve(root, entry.FullName)
                    ?? throw new OciException(OciErrorKind.InvalidArtifact, $"layer '{layer}': the zip entry '{entry.FullName}' is an absolute path or leaves the package");
                if (!written.Add(entry.FullName))
                {
                    throw new OciException(OciErrorKind.InvalidArtifact, $"layer '{layer}': the zip entry '{entry.FullName}' is a file another layer already holds");
                }
                Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                await using var source = entry.Open();
                await using var output = new FileStream(full, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
                await source.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (InvalidDataException ex)
        {
            throw new OciException(OciErrorKind.InvalidArtifact, $"layer '{layer}' is not a readable zip: {ex.Message}", ex);
        }
    }
}
