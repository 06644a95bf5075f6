namespace StacPkg.Core.Packaging;

/// <summary>
/// The entries of a package folder as they are on disk, found without following any link: regular
/// files reached through real folders, and every link (to a file or a folder, a junction or another
/// reparse point) as a link that is never walked into. Nothing outside the package is read, and a
/// link loop cannot make the walk run forever.
/// </summary>
internal sealed class PackageContent
{
    // Hidden and system entries are part of the package too (.env, .git/): skip no attribute.
    private static readonly EnumerationOptions Entries = new() { AttributesToSkip = 0, RecurseSubdirectories = false, IgnoreInaccessible = false };

    private PackageContent(string root) => Root = root;

    public string Root { get; }

    /// <summary>Regular files: package-relative path (with '/') → full path, sorted by path.</summary>
    public SortedDictionary<string, string> Files { get; } = new(StringComparer.Ordinal);

    /// <summary>Links: package-relative path → what the link points at.</summary>
    public SortedDictionary<string, string> Links { get; } = new(StringComparer.Ordinal);

    /// <exception cref="IOException">A folder of the package cannot be listed.</exception>
    /// <exception cref="UnauthorizedAccessException">A folder of the package may not be listed.</exception>
    public static PackageContent Scan(string root)
    {
        var content = new PackageContent(root);
        var folders = new Stack<DirectoryInfo>();
        folders.Push(new DirectoryInfo(root));
        while (folders.TryPop(out var folder))
        {
            foreach (var entry in folder.EnumerateFileSystemInfos("*", Entries))
            {
                var relative = Path.GetRelativePath(root, entry.FullName).Replace('\\', '/');
                if (entry.Attributes.HasFlag(FileAttributes.ReparsePoint))
                {
                    content.Links[relative] = entry.LinkTarget ?? "a reparse point";
                }
                else if (entry is DirectoryInfo directory)
                {
                    folders.Push(directory);
                }
                else
                {
                    content.Files[relative] = entry.FullName;
                }
            }
        }
        return content;
    }

    /// <summary>The link that <paramref name="relative"/> is, or lies behind; null when the path crosses no link.</summary>
    public string? LinkOn(string relative)
    {
        for (var end = relative.IndexOf('/'); ; end = relative.IndexOf('/', end + 1))
        {
            var prefix = end < 0 ? relative : relative[..end];
            if (Links.ContainsKey(prefix))
            {
                return prefix;
            }
            if (end < 0)
            {
                return null;
            }
        }
    }

    /// <summary>
    /// What the package defines. With a manifest: exactly its files and the manifest itself. Without
    /// one (an older StacPkg, another implementation): the two tables, the files its lock's
    /// package-relative rows name, and the visible files at the top (README, LICENSE).
    /// </summary>
    public HashSet<string> Defined(PackageManifest? manifest, IEnumerable<string> lockPaths)
    {
        if (manifest is not null)
        {
            return [.. manifest.Files.Select(f => f.Path), PackageManifest.FileName];
        }
        var defined = new HashSet<string>(lockPaths, StringComparer.Ordinal) { StacPackageLayout.ItemsFileName, StacPackageLayout.LockFileName };
        defined.UnionWith(Files.Keys.Where(p => !p.Contains('/', StringComparison.Ordinal) && !p.StartsWith('.')));
        return defined;
    }

    /// <summary>Every link, and every regular file that is not in <paramref name="defined"/>, sorted by path.</summary>
    public List<StacPackageEntry> Undefined(ISet<string> defined) =>
        Links.Select(l => new StacPackageEntry(l.Key, $"a link to '{l.Value}'; a package holds no links and none is followed"))
            .Concat(Files.Keys.Where(p => !defined.Contains(p)).Select(p => new StacPackageEntry(p, "a file the package does not define")))
            .OrderBy(e => e.Path, StringComparer.Ordinal)
            .ToList();

    /// <summary>The package-relative form of a lock row's file key when it names a path inside the package; else null.</summary>
    public string? Relative(string key) => Relative(Root, key);

    private static string? Relative(string root, string key) => PackagePaths.Resolve(root, key) is null ? null : key.Replace('\\', '/');

    /// <summary>The package file a lock row names (a file row inside the package), which the package defines when it has no manifest; else null.</summary>
    public string? FileOf(Lock.AssetLockEntry entry) => FileOf(Root, entry);

    /// <inheritdoc cref="FileOf(Lock.AssetLockEntry)"/>
    /// <remarks>For a package folder that is not scanned (one being pulled).</remarks>
    public static string? FileOf(string root, Lock.AssetLockEntry entry) => entry.StoreType == "file" ? Relative(root, entry.Key) : null;
}
