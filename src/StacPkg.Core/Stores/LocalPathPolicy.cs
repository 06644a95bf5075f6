using StacPkg.Core.Lock;

namespace StacPkg.Core.Stores;

/// <summary>
/// Which local files the rows of a lock (or the hrefs of Items) may have read. A lock or an Item can
/// come from anyone, and copying its files somewhere else would hand out whatever it names
/// (<c>/etc/passwd</c>, <c>../../home/u/.ssh/id_rsa</c>). So a file row is read only when its real,
/// link-resolved path lies inside an allowed root, and none of the names below that root (nor of a
/// relative key) is hidden (starts with '.'): package asset names never do, secrets often do.
/// </summary>
/// <remarks>
/// Rows read from a package (<see cref="AssetLockEntry.PackageRoot"/>) came from whoever made the
/// package: their roots are the package folder and the roots the caller named, never the default.
/// Their bundled rows (<c>assets/…</c>) resolve against the package folder; any other relative key is
/// an Item's own relative href and, like the keys of rows not from a package, resolves against
/// <see cref="BaseDirectory"/>. Rows not from a package have the named roots, by default the base
/// directory. <see cref="AllowAnyPath"/> lifts the rule, not the resolution.
/// </remarks>
public sealed class LocalPathPolicy
{
    // realpath(3) gives up after this many links: a loop must end somewhere.
    private const int MaxLinks = 40;
    // A hidden name is looked for between either separator, whatever the platform (a lock may come from Windows).
    private static readonly char[] AnySeparator = ['/', '\\'];
    private static readonly char[] Separators = [Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar];
    private static readonly StringComparison PathComparison =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    private readonly List<string> _namedRoots;
    private readonly List<string> _defaultRoots;

    /// <param name="baseDirectory">Where relative keys resolve, but for a package's bundled rows (the user's location).</param>
    /// <param name="sourceRoots">Folders whose files may be read; null or empty: <paramref name="baseDirectory"/> alone, and for a package's rows their package alone.</param>
    /// <param name="allowAnyPath">Read any local file (relative keys still resolve as above).</param>
    public LocalPathPolicy(string baseDirectory, IEnumerable<string>? sourceRoots = null, bool allowAnyPath = false)
    {
        BaseDirectory = Path.GetFullPath(baseDirectory);
        _namedRoots = (sourceRoots ?? []).Select(r => RealPath(Path.GetFullPath(r, BaseDirectory))).ToList();
        _defaultRoots = _namedRoots.Count > 0 ? _namedRoots : [RealPath(BaseDirectory)];
        AllowAnyPath = allowAnyPath;
    }

    /// <summary>No restriction, relative keys against the process's current directory: for callers whose rows are their own.</summary>
    public static LocalPathPolicy AnyPath(string? baseDirectory = null) => new(baseDirectory ?? Environment.CurrentDirectory, null, allowAnyPath: true);

    public string BaseDirectory { get; }

    public bool AllowAnyPath { get; }

    /// <summary>
    /// The location to read for <paramref name="entry"/>: for a file row the absolute, link-resolved
    /// path that was checked (so what is read is what was allowed); any other row's own location.
    /// </summary>
    /// <exception cref="LocalPathRefusedException">A file row outside every allowed root, or hidden; the message names the item, asset and key.</exception>
    /// <exception cref="FormatException">A file row whose key is no path.</exception>
    public AssetLocation Resolve(AssetLockEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var location = entry.Location;
        if (location.StoreType != "file")
        {
            return location;
        }
        var owner = $"item '{entry.ItemId}' asset '{entry.AssetKey}'";
        try
        {
            return location with { Key = ResolveKey(entry, owner) };
        }
        catch (ArgumentException ex)
        {
            // An empty key or one with a NUL: no path at all.
            throw new FormatException($"{owner}: the local path '{entry.Key}' is not a path ({ex.Message})", ex);
        }
    }

    private string ResolveKey(AssetLockEntry entry, string owner)
    {
        var key = entry.Key;
        var package = entry.PackageRoot is { } packageRoot ? Path.GetFullPath(packageRoot) : null;
        var baseDirectory = package is not null && Packaging.StacPackageValidator.IsBundled(entry) ? package : BaseDirectory;
        var full = Path.GetFullPath(key, baseDirectory);
        var real = RealPath(full, key, owner);
        if (AllowAnyPath)
        {
            return real;
        }
        var roots = package is null ? _defaultRoots : [RealPath(package), .. _namedRoots];
        var root = roots.FirstOrDefault(r => IsInside(r, real));
        if (root is null)
        {
            // Naming the link's target tells the user why a path that looks inside is not.
            var through = string.Equals(full, real, PathComparison) ? "" : $" (it resolves to '{real}' through a symbolic link)";
            throw new LocalPathRefusedException(key,
                $"{owner}: the local file '{key}' is outside the allowed roots ({string.Join(", ", roots)}){through}; name its folder with -SourceRoot, or use -AllowAnyLocalPath");
        }
        var below = real.Length > root.Length ? real[root.Length..] : "";
        if (HasHiddenSegment(below) || (!Path.IsPathRooted(key) && HasHiddenSegment(key)))
        {
            throw new LocalPathRefusedException(key,
                $"{owner}: the local file '{key}' is hidden (a name starting with '.'); package assets never are, so it is not read without -AllowAnyLocalPath");
        }
        return real;
    }

    private static bool HasHiddenSegment(string path) =>
        path.Split(AnySeparator, StringSplitOptions.RemoveEmptyEntries).Any(s => s.StartsWith('.') && s is not "." and not "..");

    private static bool IsInside(string root, string path)
    {
        if (string.Equals(root, path, PathComparison))
        {
            return true;
        }
        var prefix = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        return path.StartsWith(prefix, PathComparison);
    }

    /// <summary>
    /// <paramref name="fullPath"/> with every symbolic link resolved, component by component as
    /// realpath(3) does; components that do not exist are kept as written.
    /// </summary>
    internal static string RealPath(string fullPath) => RealPath(fullPath, fullPath, fullPath);

    private static string RealPath(string fullPath, string key, string owner)
    {
        var current = Path.GetPathRoot(fullPath) ?? "";
        var pending = new Stack<string>(Enumerable.Reverse(fullPath[current.Length..].Split(Separators, StringSplitOptions.RemoveEmptyEntries)));
        var links = 0;
        while (pending.TryPop(out var segment))
        {
            if (segment == ".")
            {
                continue;
            }
            if (segment == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }
            var next = Path.Join(current, segment);
            var target = LinkTarget(next);
            if (target is null)
            {
                current = next;
                continue;
            }
            if (++links > MaxLinks)
            {
                throw new LocalPathRefusedException(key, $"{owner}: the local file '{key}' goes through more than {MaxLinks} symbolic links (a loop?)");
            }
            // The link's target replaces it; a relative target continues from the link's folder.
            if (Path.IsPathRooted(target))
            {
                current = Path.GetPathRoot(target) ?? "";
                target = target[current.Length..];
            }
            foreach (var part in Enumerable.Reverse(target.Split(Separators, StringSplitOptions.RemoveEmptyEntries)))
            {
                pending.Push(part);
            }
        }
        return current;
    }

    // A path that cannot be examined (no permission) is taken as it is: opening it fails the same way.
    private static string? LinkTarget(string path)
    {
        try
        {
            return (Directory.Exists(path) ? (FileSystemInfo)new DirectoryInfo(path) : new FileInfo(path)).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
