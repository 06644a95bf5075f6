using System.Text;

namespace StacPkg.Core.Packaging;

/// <summary>
/// File names inside a package made from untrusted ids, keys and hrefs: whatever the input, a name is
/// one path segment that cannot climb out of the package or hide itself.
/// </summary>
public static class PackagePaths
{
    /// <summary>The folder of bundled assets, relative to the package.</summary>
    public const string AssetsFolder = "assets";

    private const int MaxExtensionLength = 16;

    // Characters Windows refuses in names, plus both separators: a package must unpack anywhere.
    private static readonly char[] Refused = ['/', '\\', ':', '*', '?', '"', '<', '>', '|'];

    /// <summary>One safe path segment for <paramref name="name"/>: separators, control and reserved characters become '_', leading dots and trailing dots or spaces too; a Windows device name gets a leading '_'.</summary>
    public static string Segment(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            builder.Append(char.IsControl(c) || Array.IndexOf(Refused, c) >= 0 ? '_' : c);
        }
        for (var i = 0; i < builder.Length && builder[i] == '.'; i++)
        {
            builder[i] = '_';
        }
        // Windows drops trailing dots and spaces, which would merge two names into one.
        for (var i = builder.Length - 1; i >= 0 && (builder[i] == '.' || builder[i] == ' '); i--)
        {
            builder[i] = '_';
        }
        if (builder.Length == 0)
        {
            return "_";
        }
        var text = builder.ToString();
        // Windows keeps these names for devices, whatever the extension ("CON", "nul.tif").
        return DeviceNames.Contains(text.Split('.')[0].TrimEnd(' ')) ? "_" + text : text;
    }

    private static readonly HashSet<string> DeviceNames = new(
        ["CON", "PRN", "AUX", "NUL", .. Enumerable.Range(1, 9).SelectMany(i => new[] { $"COM{i}", $"LPT{i}" })],
        StringComparer.OrdinalIgnoreCase);

    /// <summary>The extension of the last segment of an href's key (".tif"), or "" when it has none that is plain.</summary>
    public static string Extension(string key)
    {
        var slash = Math.Max(key.LastIndexOf('/'), key.LastIndexOf('\\'));
        var name = key[(slash + 1)..];
        var dot = name.LastIndexOf('.');
        if (dot <= 0 || name.Length - dot > MaxExtensionLength)
        {
            return "";
        }
        var extension = name[dot..];
        return extension.Skip(1).All(char.IsAsciiLetterOrDigit) && extension.Length > 1 ? extension : "";
    }

    /// <summary>
    /// The full path of a package-relative path, or null when it is absolute or would leave the package
    /// (a lock row such as <c>../../x</c>).
    /// </summary>
    public static string? Resolve(string packageRoot, string relative)
    {
        if (relative.Length == 0 || Path.IsPathRooted(relative) || relative.StartsWith('/') || relative.StartsWith('\\'))
        {
            return null;
        }
        var segments = relative.Split('/', '\\');
        if (segments.Any(s => s is "" or "." or ".."))
        {
            return null;
        }
        var root = Path.GetFullPath(packageRoot);
        var full = Path.GetFullPath(Path.Combine(root, Path.Combine(segments)));
        return full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? full : null;
    }
}
