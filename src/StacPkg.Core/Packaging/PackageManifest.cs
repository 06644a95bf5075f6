using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace StacPkg.Core.Packaging;

/// <summary>
/// <c>stacpkg.manifest.json</c>: the size and sha256 of every file of the package but itself, so that
/// a changed byte anywhere (a table that still reads, an extra file) is found. Canonical JSON, files
/// sorted by path, no timestamps: the same package gives the same bytes and the same OCI digest.
/// Other stacpkg readers ignore the file.
/// </summary>
public sealed class PackageManifest
{
    public const string FileName = "stacpkg.manifest.json";
    public const string SchemaKind = "package-manifest";
    public const string SchemaVersion = "v1";

    /// <summary>Its media type, as a file of the package and as an OCI layer.</summary>
    public const string MediaType = "application/vnd.stacpkg.manifest.v1+json";

    private const string KindKey = "stacpkg:schema-kind";
    private const string VersionKey = "stacpkg:schema-version";

    private PackageManifest(IReadOnlyList<PackageFileDigest> files) => Files = files;

    /// <summary>The files it lists, sorted by path.</summary>
    public IReadOnlyList<PackageFileDigest> Files { get; }

    /// <summary>The manifest's bytes for these files.</summary>
    /// <exception cref="StacPackageException">Two different files for one path.</exception>
    public static byte[] Serialize(IEnumerable<PackageFileDigest> files)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString(KindKey, SchemaKind);
            json.WriteString(VersionKey, SchemaVersion);
            json.WriteStartArray("files");
            foreach (var file in Distinct(files))
            {
                json.WriteStartObject();
                json.WriteString("path", file.Path);
                json.WriteNumber("size", file.Size);
                json.WriteString("sha256", file.Sha256);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The files sorted by path, each path once.</summary>
    /// <exception cref="StacPackageException">Two different files for one path.</exception>
    internal static IEnumerable<PackageFileDigest> Distinct(IEnumerable<PackageFileDigest> files)
    {
        PackageFileDigest? previous = null;
        foreach (var file in files.OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            if (previous is not null && previous.Path == file.Path)
            {
                // The same file written twice (one asset locked by two rows) is one file; two contents are a defect.
                if (previous != file)
                {
                    throw new StacPackageException($"two different files were written to '{file.Path}' in the package");
                }
                continue;
            }
            previous = file;
            yield return file;
        }
    }

    /// <summary>The manifest of a package, or null when it has none.</summary>
    /// <exception cref="StacPackageException">The manifest is a link or is not a valid manifest; the message says why.</exception>
    internal static PackageManifest? Read(PackageContent content)
    {
        if (content.LinkOn(FileName) is not null)
        {
            throw new StacPackageException($"{FileName} is a link; it is not read");
        }
        if (!content.Files.TryGetValue(FileName, out var full))
        {
            return null;
        }
        try
        {
            return Parse(File.ReadAllBytes(full), content.Root);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or KeyNotFoundException)
        {
            throw new StacPackageException($"{FileName} is not a valid package manifest: {ex.Message}", ex);
        }
    }

    private static PackageManifest Parse(byte[] bytes, string root)
    {
        using var document = JsonDocument.Parse(bytes);
        var top = document.RootElement;
        if (top.GetProperty(KindKey).GetString() != SchemaKind || top.GetProperty(VersionKey).GetString() != SchemaVersion)
        {
            throw new FormatException($"it is not {KindKey} '{SchemaKind}' {VersionKey} '{SchemaVersion}'");
        }
        var files = new List<PackageFileDigest>();
        var paths = new HashSet<string>(StringComparer.Ordinal);
        foreach (var element in top.GetProperty("files").EnumerateArray())
        {
            var path = element.GetProperty("path").GetString() ?? "";
            var size = element.GetProperty("size").GetInt64();
            var sha256 = element.GetProperty("sha256").GetString() ?? "";
            if (PackagePaths.Resolve(root, path) is null || path.Contains('\\', StringComparison.Ordinal) || path == FileName)
            {
                throw new FormatException($"the path '{path}' is absolute, leaves the package or is the manifest");
            }
            if (!paths.Add(path))
            {
                throw new FormatException($"the path '{path}' is listed twice");
            }
            if (size < 0 || sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigitLower))
            {
                throw new FormatException($"'{path}' has no valid size and lowercase sha256");
            }
            files.Add(new PackageFileDigest(path, size, sha256));
        }
        files.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return new PackageManifest(files);
    }

    /// <summary>Each listed file that is missing, a link (or behind one), or whose size or sha256 differs from <paramref name="actual"/>.</summary>
    internal List<StacPackageEntry> Compare(PackageContent content, IReadOnlyDictionary<string, PackageFileDigest> actual)
    {
        var problems = new List<StacPackageEntry>();
        foreach (var expected in Files)
        {
            if (!actual.TryGetValue(expected.Path, out var found))
            {
                problems.Add(new(expected.Path, content.LinkOn(expected.Path) is { } link
                    ? $"it is a link or lies behind the link '{link}', and is not read"
                    : $"it is missing (the {FileName} lists it)"));
            }
            else if (found.Size != expected.Size)
            {
                problems.Add(new(expected.Path, string.Create(CultureInfo.InvariantCulture, $"it has {found.Size} bytes, the {FileName} says {expected.Size}")));
            }
            else if (found.Sha256 != expected.Sha256)
            {
                problems.Add(DigestMismatch(expected.Path, found.Sha256, expected.Sha256));
            }
        }
        return problems;
    }

    /// <summary>A file whose bytes hash to <paramref name="found"/>, not the <paramref name="expected"/> sha256 the manifest records.</summary>
    internal static StacPackageEntry DigestMismatch(string path, string found, string expected) =>
        new(path, $"its sha256 is {found}, the {FileName} says {expected}");

    /// <summary>
    /// The listed files that look untouched since the manifest was written: a regular file of the
    /// listed size, last written no later than the manifest itself (the writer writes it after
    /// every file; a pull, once every file is checked). Their recorded digest can be announced
    /// before they are read, as long as whoever reads them checks it (a forged time is caught then).
    /// </summary>
    internal Dictionary<string, PackageFileDigest> Unchanged(PackageContent content)
    {
        var unchanged = new Dictionary<string, PackageFileDigest>(StringComparer.Ordinal);
        if (!content.Files.TryGetValue(FileName, out var self))
        {
            return unchanged;
        }
        var written = File.GetLastWriteTimeUtc(self);
        foreach (var file in Files)
        {
            if (content.Files.TryGetValue(file.Path, out var full) && new FileInfo(full) is { Exists: true } info
                && info.Length == file.Size && info.LastWriteTimeUtc <= written)
            {
                unchanged[file.Path] = file;
            }
        }
        return unchanged;
    }

    /// <summary>Hashes every listed file that is a regular file of the package.</summary>
    internal async Task<Dictionary<string, PackageFileDigest>> HashAsync(PackageContent content, CancellationToken cancellationToken)
    {
        var digests = new Dictionary<string, PackageFileDigest>(StringComparer.Ordinal);
        foreach (var file in Files)
        {
            if (content.Files.TryGetValue(file.Path, out var full))
            {
                digests[file.Path] = await PackageFileDigest.ComputeAsync(file.Path, full, cancellationToken).ConfigureAwait(false);
            }
        }
        return digests;
    }

    /// <summary>
    /// Checks a package folder against its manifest (none: nothing to check): every problem found,
    /// an unreadable manifest included.
    /// </summary>
    public static async Task<List<StacPackageEntry>> VerifyAsync(string root, CancellationToken cancellationToken)
    {
        var content = PackageContent.Scan(root);
        PackageManifest? manifest;
        try
        {
            manifest = Read(content);
        }
        catch (StacPackageException ex)
        {
            return [new StacPackageEntry(FileName, ex.Message)];
        }
        return manifest is null ? [] : manifest.Compare(content, await manifest.HashAsync(content, cancellationToken).ConfigureAwait(false));
    }
}
