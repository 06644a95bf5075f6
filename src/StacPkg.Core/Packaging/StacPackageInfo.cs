using System.Globalization;
using System.Text;
using StacPkg.Core.GeoParquet;
using StacPkg.Core.Lock;
using StacPkg.Core.Stac;
using StacPkg.Core.Stores;

namespace StacPkg.Core.Packaging;

/// <summary>
/// What a package holds: counts from its tables, every file it defines with its digest, what it
/// holds but does not define (links, foreign files), and the files that differ from its manifest.
/// </summary>
public sealed class StacPackageInfo
{
    private const string ParquetMediaType = "application/vnd.apache.parquet";
    private const string DefaultMediaType = "application/octet-stream";

    public string Path { get; init; } = "";
    public long ItemCount { get; init; }
    public IReadOnlyList<string> Collections { get; init; } = [];

    /// <summary>The STAC Collections stored in items.parquet's metadata, sorted by id.</summary>
    public IReadOnlyList<StacCollection> StacCollections { get; init; } = [];
    public long AssetCount { get; init; }
    public IReadOnlyList<string> AssetKeys { get; init; } = [];
    public long KnownAssetBytes { get; init; }
    public IReadOnlyList<StacPackageFile> Files { get; init; } = [];

    /// <summary>True when the package has a <see cref="PackageManifest.FileName"/> recording its files' digests.</summary>
    public bool HasManifest { get; init; }

    /// <summary>Links and files in the package folder that the package does not define; none is read, listed or published.</summary>
    public IReadOnlyList<StacPackageEntry> UndefinedEntries { get; init; } = [];

    /// <summary>Files the manifest lists that are missing or differ from it: the package is corrupt.</summary>
    public IReadOnlyList<StacPackageEntry> Mismatches { get; init; } = [];

    /// <summary>
    /// Files whose digest is the one the manifest records, taken without reading them (see
    /// <c>trustRecorded</c>): whoever reads them next must hash them and hold them to it.
    /// </summary>
    internal IReadOnlySet<string> Unhashed { get; init; } = new HashSet<string>();

    /// <summary>Reads a package's tables and hashes the files it defines, without following any link.</summary>
    /// <exception cref="StacPackageException">Not a package, or a table or its manifest is not readable; the message says which.</exception>
    /// <exception cref="IOException">A folder of the package cannot be listed.</exception>
    public static Task<StacPackageInfo> ReadAsync(string path, CancellationToken cancellationToken) => ReadAsync(path, null, false, cancellationToken);

    /// <inheritdoc cref="ReadAsync(string, CancellationToken)"/>
    /// <param name="hashed">Digests of files the caller hashed already (a pull, as it wrote them), by package-relative path: not read again.</param>
    /// <param name="trustRecorded">
    /// Files the manifest lists that look untouched since it was written (<see cref="PackageManifest.Unchanged"/>) take their
    /// recorded digest unread and are listed in <see cref="Unhashed"/> (a push hashes them as it uploads them).
    /// </param>
    internal static async Task<StacPackageInfo> ReadAsync(string path, IReadOnlyDictionary<string, PackageFileDigest>? hashed, bool trustRecorded,
        CancellationToken cancellationToken)
    {
        var root = System.IO.Path.GetFullPath(path);
        RequirePackage(root);
        var content = PackageContent.Scan(root);
        PackageManifest? manifest;
        try
        {
            manifest = PackageManifest.Read(content);
        }
        catch (StacPackageException ex)
        {
            throw new StacPackageException($"the package '{root}' has an unreadable manifest: {ex.Message}", ex);
        }
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

        StacCollectionRead stored;
        try
        {
            stored = await StacGeoParquetMetadata.ReadAsync(System.IO.Path.Combine(root, StacPackageLayout.ItemsFileName), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new StacPackageException($"the package '{root}' has an unreadable {StacPackageLayout.ItemsFileName}: {ex.Message}", ex);
        }

        long assets = 0, bytes = 0;
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        var lockPaths = new List<string>();
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
                if (content.FileOf(entry) is { } relative)
                {
                    lockPaths.Add(relative);
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new StacPackageException($"the package '{root}' has an unreadable {StacPackageLayout.LockFileName}: {ex.Message}", ex);
        }

        var defined = content.Defined(manifest, lockPaths);
        var digests = new Dictionary<string, PackageFileDigest>(StringComparer.Ordinal);
        var recorded = trustRecorded && manifest is not null ? manifest.Unchanged(content) : [];
        var unhashed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (relative, full) in content.Files.Where(f => defined.Contains(f.Key)))
        {
            if (hashed is not null && hashed.TryGetValue(relative, out var known))
            {
                digests[relative] = known;
            }
            else if (recorded.TryGetValue(relative, out var listed))
            {
                digests[relative] = listed;
                unhashed.Add(relative);
            }
            else
            {
                digests[relative] = await PackageFileDigest.ComputeAsync(relative, full, cancellationToken).ConfigureAwait(false);
            }
        }
        return new StacPackageInfo
        {
            Path = root,
            ItemCount = items,
            Collections = [.. collections],
            StacCollections = stored.Collections,
            AssetCount = assets,
            AssetKeys = [.. keys],
            KnownAssetBytes = bytes,
            Files = Describe(digests.Values),
            HasManifest = manifest is not null,
            UndefinedEntries = content.Undefined(defined),
            Mismatches = manifest?.Compare(content, digests) ?? [],
            Unhashed = unhashed,
        };
    }

    /// <summary>The info of a package just written, from the counts its writer kept and the files its manifest lists (and the manifest).</summary>
    internal static StacPackageInfo Describe(string root, long items, IReadOnlyList<string> collections, IReadOnlyList<StacCollection> stacCollections,
        long assets, IReadOnlyList<string> assetKeys, long knownBytes, IEnumerable<PackageFileDigest> files) => new()
        {
            Path = root,
            ItemCount = items,
            Collections = collections,
            StacCollections = stacCollections,
            AssetCount = assets,
            AssetKeys = assetKeys,
            KnownAssetBytes = knownBytes,
            Files = Describe(files),
            HasManifest = true,
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
            var file = new FileInfo(System.IO.Path.Combine(root, name));
            if (!file.Exists)
            {
                throw new StacPackageException($"'{root}' is not a package: it has no {name}");
            }
            if (file.Attributes.HasFlag(FileAttributes.ReparsePoint))
            {
                throw new StacPackageException($"the package '{root}' has {name} as a link to '{file.LinkTarget}'; nothing is read through a link");
            }
        }
    }

    /// <summary>The files with their media types, sorted by path so that the list is the same on every machine.</summary>
    private static List<StacPackageFile> Describe(IEnumerable<PackageFileDigest> files) =>
        files.OrderBy(f => f.Path, StringComparer.Ordinal).Select(f => new StacPackageFile(f.Path, MediaTypeOf(f.Path), f.Size, f.Sha256)).ToList();

    // README and LICENSE files are what -Include usually adds; the store table does not know them.
    private static string MediaTypeOf(string relative) =>
        relative == PackageManifest.FileName ? PackageManifest.MediaType
        : relative.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) ? ParquetMediaType
        : relative.EndsWith(".md", StringComparison.OrdinalIgnoreCase) ? "text/markdown"
        : MediaTypes.ForPath(relative) ?? DefaultMediaType;

    /// <summary>The facts as Markdown, one fact a line; a value cannot break its line (<see cref="MarkdownText"/>).</summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.Append("# stacpkg Inspect\n");
        text.Append(CultureInfo.InvariantCulture, $"- Package: {MarkdownText.Inline(Path)}\n");
        text.Append(CultureInfo.InvariantCulture, $"- Items: {ItemCount}\n");
        text.Append(CultureInfo.InvariantCulture, $"- Collections: {string.Join(", ", Collections.Select(MarkdownText.Inline))}\n");
        text.Append(CultureInfo.InvariantCulture, $"- Assets: {AssetCount}\n");
        text.Append(CultureInfo.InvariantCulture, $"- Asset keys: {string.Join(", ", AssetKeys.Select(MarkdownText.Inline))}\n");
        text.Append(CultureInfo.InvariantCulture, $"- Known asset bytes: {KnownAssetBytes}\n");
        foreach (var collection in StacCollections)
        {
            var title = collection.Title is { } t ? $": {MarkdownText.Inline(t)}" : "";
            text.Append(CultureInfo.InvariantCulture, $"- Collection {MarkdownText.Inline(collection.Id)}{title}\n");
        }
        return text.ToString();
    }

    public override string ToString() => Path;
}
