using System.Globalization;

namespace StacPkg.Core.Packaging;

/// <summary>A path inside a package (relative, with '/') and what is wrong with it: a link, a file the package does not define, or a file that differs from the manifest.</summary>
public sealed record StacPackageEntry(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";

    /// <summary>The first few entries for a message; a thousand would drown them.</summary>
    public static string Summarize(IReadOnlyList<StacPackageEntry> entries)
    {
        var shown = string.Join("; ", entries.Take(5).Select(e => $"'{e.Path}' ({e.Message})"));
        return entries.Count > 5 ? string.Create(CultureInfo.InvariantCulture, $"{shown} (and {entries.Count - 5} more)") : shown;
    }
}
