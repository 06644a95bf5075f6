using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using StacPkg.Core.GeoParquet;
using StacPkg.Core.Lock;
using StacPkg.Core.Stores;

namespace StacPkg.Core.Packaging;

/// <summary>What a package holds: counts from its tables and every file with its digest.</summary>
public sealed class StacPackageInfo
{
    private const string ParquetMediaType = "application/vnd.apache.parquet";
    private const string DefaultMediaType = "application/octet-stream";

    public string Path { get; init; } = "";
    public long ItemCount { get; init; }
    public IReadOnlyList<string> Collections { get; init; } = [];
    public long AssetCount { get; init; }
    public IReadOnlyList<string> AssetKeys { get; init; } = [];
    public long KnownAssetBytes { get; init; }
    public IReadOnlyList<StacPackageFile> Files { get; init; } = [];

    /// <summary>Reads a package's tables and hashes its files.</summary>
    /// <exception cref="StacPackageException">Not a package, or a table is not readable; the message says which.</exception>
    public static async Task<StacPackageInfo> ReadAsync(string path, CancellationToken cancellationToken)
    {
        var root = System.IO.Path.GetFullPath(path);
        RequirePackage(root);
        long items = 0;
        var collections = new SortedSet<string>(StringComparer.Ordinal);
        try
        {
            await foreach (var item in GeoParquetItemReader.ReadAsync(System.IO.Path.Combine(root, StacPackageLayout.ItemsFileName), cancellationToken).ConfigureAwait(false))
            {
                items++;
                if (item.Collection is { } collection)
                {
                    collections.Add(collection);
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new StacPackageException($"the package '{root}' has an unreadable {StacPackageLayout.ItemsFileName}: {ex.Message}", ex);
        }

        long assets = 0, bytes = 0;
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        try
        {
            await foreach (var row in AssetLockFile.ReadAsync(System.IO.Path.Combine(root, StacPackageLayout.LockFileName), cancellationToken).ConfigureAwait(false))
            {
                if (row.Entry is not { } entry)
                {
                    continue;
                }
                assets++;
                keys.Add(entry.AssetKey);
                bytes += entry.SizeBytes ?? 0;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new StacPackageException($"the package '{root}' has an unreadable {StacPackageLayout.LockFileName}: {ex.Message}", ex);
        }

        return new StacPackageInfo
        {
            Path = root,
            ItemCount = items,
            Collections = [.. collections],
            AssetCount = assets,
            AssetKeys = [.. keys],
            KnownAssetBytes = bytes,
            Files = await FilesAsync(root, cancellationToken).ConfigureAwait(false),
        };
    }

    /// <summary>The info of a package just written, from the counts its writer kept; only the files are read (to hash them).</summary>
    internal static async Task<StacPackageInfo> DescribeAsync(string root, long items, IReadOnlyList<string> collections,
        long assets, IReadOnlyList<string> assetKeys, long knownBytes, CancellationToken cancellationToken) => new()
        {
            Path = root,
            ItemCount = items,
            Collections = collections,
            AssetCount = assets,
            AssetKeys = assetKeys,
            KnownAssetBytes = knownBytes,
            Files = await FilesAsync(root, cancellationToken).ConfigureAwait(false),
        };

    /// <exception cref="StacPackageException">The path is not a package directory.</exception>
    internal static void RequirePackage(string root)
    {
        if (!Directory.Exists(root))
        {
            throw new StacPackageException($"no package at '{root}': no such directory");
        }
        foreach (var name in new[] { StacPackageLayout.ItemsFileName, StacPackageLayout.LockFileName })
        {
            if (!File.Exists(System.IO.Path.Combine(root, name)))
            {
                throw new StacPackageException($"'{root}' is not a package: it has no {name}");
            }
        }
    }

    /// <summary>Every file under the package, sorted by relative path so that the list is the same on every machine.</summary>
    private static async Task<List<StacPackageFile>> FilesAsync(string root, CancellationToken cancellationToken)
    {
        var files = new List<StacPackageFile>();
        var paths = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => (Full: f, Relative: System.IO.Path.GetRelativePath(root, f).Replace('\\', '/')))
            .OrderBy(f => f.Relative, StringComparer.Ordinal);
        foreach (var (full, relative) in paths)
        {
            await using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
            var digest = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
            files.Add(new StacPackageFile(relative, MediaTypeOf(relative), stream.Length, Convert.ToHexString(digest).ToLowerInvariant()));
        }
        return files;
    }

    // README and LICENSE files are what -Include usually adds; the store table does not know them.
    private static string MediaTypeOf(string relative) =>
        relative.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) ? ParquetMediaType
        : relative.EndsWith(".md", StringComparison.OrdinalIgnoreCase) ? "text/markdown"
        : MediaTypes.ForPath(relative) ?? DefaultMediaType;

    /// <summary>The facts as Markdown, one fact a line.</summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.Append("# stacpkg Inspect\n");
        text.Append(CultureInfo.InvariantCulture, $"- Package: {Path}\n");
        text.Append(CultureInfo.InvariantCulture, $"- Items: {ItemCount}\n");
        text.Append(CultureInfo.InvariantCulture, $"- Collections: {string.Join(", ", Collections)}\n");
        text.Append(CultureInfo.InvariantCulture, $"- Assets: {AssetCount}\n");
        text.Append(CultureInfo.InvariantCulture, $"- Asset keys: {string.Join(", ", AssetKeys)}\n");
        text.Append(CultureInfo.InvariantCulture, $"- Known asset bytes: {KnownAssetBytes}\n");
        return text.ToString();
    }

    public override string ToString() => Path;
}
