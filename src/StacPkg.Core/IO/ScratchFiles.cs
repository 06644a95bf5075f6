using System.Text.RegularExpressions;

namespace StacPkg.Core.IO;

/// <summary>
/// The hidden files and folders a run writes beside its target before moving the result into place
/// (<c>.name.&lt;run&gt;.tmp</c>, <c>.spool</c>, <c>.lock</c>, <c>.tmp.layerN</c>), and the removal of
/// those a killed run left behind. A live run always holds an exclusive lock on one file of its
/// group (the temp file or spool it writes, or the <c>.lock</c> of a package folder; on Unix .NET
/// takes it as an advisory flock), so the next run removes only groups of which it can lock every file.
/// </summary>
internal static partial class ScratchFiles
{
    /// <summary>A new name beside <paramref name="target"/> for a run's scratch entry of this kind ("tmp", "spool", "lock").</summary>
    public static string NewName(string target, string kind) =>
        Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.{kind}");

    /// <summary>The scratch entry of kind <paramref name="kind"/> of the same run as <paramref name="scratch"/>.</summary>
    public static string Sibling(string scratch, string kind) =>
        Path.ChangeExtension(scratch, kind);

    /// <summary>
    /// A live run's file is unlocked for an instant after it is created (open, then flock) and file
    /// times are coarse: only entries this much older than the run are candidates.
    /// </summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(2);

    /// <summary>Before a run writes <paramref name="target"/>: removes what killed runs left beside it (see <see cref="RemoveStale"/>).</summary>
    public static IReadOnlyList<string> RemoveStaleBeside(string target) =>
        Path.GetDirectoryName(Path.GetFullPath(target)) is { } folder ? RemoveStale(folder, DateTime.UtcNow - Settle) : [];

    /// <summary>
    /// Removes from <paramref name="folder"/> the scratch entries of runs that are over: every entry
    /// older than <paramref name="startedUtc"/>, none of their files locked. Never fails the caller:
    /// what cannot be checked or removed is left as it is. Returns the names removed.
    /// </summary>
    public static IReadOnlyList<string> RemoveStale(string folder, DateTime startedUtc)
    {
        var removed = new List<string>();
        try
        {
            var groups = Directory.EnumerateFileSystemEntries(folder, ".*")
                .Select(path => (Path: path, Match: ScratchName().Match(Path.GetFileName(path))))
                .Where(e => e.Match.Success)
                .GroupBy(e => e.Match.Groups["run"].Value, e => e.Path, StringComparer.Ordinal);
            foreach (var group in groups)
            {
                var entries = group.ToList();
                if (entries.All(e => IsOver(e, startedUtc)))
                {
                    removed.AddRange(entries.Where(Remove).Select(Path.GetFileName)!);
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Best effort: the folder cannot be listed, and the run itself will say what is wrong with it.
        }
        return removed;
    }

    private static bool IsOver(string path, DateTime startedUtc)
    {
        try
        {
            if (Directory.Exists(path))
            {
                return Directory.GetLastWriteTimeUtc(path) < startedUtc;
            }
            if (File.GetLastWriteTimeUtc(path) >= startedUtc)
            {
                return false;
            }
            // Fails while a live run holds its lock.
            using var probe = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool Remove(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
            else
            {
                File.Delete(path);
            }
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    // '.', the target's name, '.', the run (32 hex digits), '.', the kind.
    [GeneratedRegex(@"^(?<run>\..+\.[0-9a-f]{32})\.(?:tmp|spool|lock|tmp\.layer[0-9]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex ScratchName();
}
