namespace StacPkg.Core.GeoParquet;

/// <summary>
/// The layout of a hive-partitioned folder: <c>key=value</c> folders, Parquet files at their
/// leaves. Names starting with '.' or '_' are not data (Spark's _SUCCESS, checksums, scratch files).
/// </summary>
public static class HivePartitionFolder
{
    /// <summary>One Parquet file of the folder, with the partition values of the folders above it, outermost first.</summary>
    public sealed record Part(string File, IReadOnlyList<KeyValuePair<string, string?>> Partition);

    /// <summary>
    /// The Parquet files under <paramref name="folder"/> in a deterministic order: folders and files
    /// by name, runs of digits compared as numbers (part-2 before part-10). A partition folder
    /// <paramref name="keep"/> refuses (given its key and decoded value) is not entered, so none of its
    /// files is opened. Links to folders are not followed (no loops).
    /// </summary>
    public static IEnumerable<Part> EnumerateParts(string folder, Func<string, string?, bool>? keep = null) =>
        EnumerateParts(new DirectoryInfo(folder), [], keep);

    private static IEnumerable<Part> EnumerateParts(DirectoryInfo folder, KeyValuePair<string, string?>[] partition, Func<string, string?, bool>? keep)
    {
        foreach (var file in folder.EnumerateFiles().Where(f => IsData(f.Name) && IsParquet(f.Name)).OrderBy(f => f.Name, NaturalOrder))
        {
            yield return new Part(file.FullName, partition);
        }
        foreach (var child in folder.EnumerateDirectories().Where(d => IsData(d.Name) && d.LinkTarget is null).OrderBy(d => d.Name, NaturalOrder))
        {
            var inner = partition;
            if (HivePartitionPath.TryParseSegment(child.Name, out var key, out var value))
            {
                if (keep is not null && !keep(key, value))
                {
                    continue;
                }
                inner = [.. partition, new(key, value)];
            }
            foreach (var part in EnumerateParts(child, inner, keep))
            {
                yield return part;
            }
        }
    }

    /// <summary>
    /// True when <paramref name="folder"/> holds partition folders and nothing else: no data file at
    /// its top, only <c>key=value</c> folders and Parquet files below. -Force replaces only such a
    /// folder (or an empty one), never a folder of other content.
    /// </summary>
    public static bool IsPartitioned(string folder)
    {
        var top = new DirectoryInfo(folder);
        var partitions = top.EnumerateDirectories().ToList();
        return partitions.Count > 0
            && !top.EnumerateFiles().Any(f => IsData(f.Name))
            && partitions.All(IsPartitionTree);
    }

    private static bool IsPartitionTree(DirectoryInfo folder) =>
        folder.LinkTarget is null
        && HivePartitionPath.TryParseSegment(folder.Name, out _, out _)
        && folder.EnumerateFiles().All(f => !IsData(f.Name) || IsParquet(f.Name))
        && folder.EnumerateDirectories().All(IsPartitionTree);

    private static bool IsData(string name) => !name.StartsWith('.') && !name.StartsWith('_');

    private static bool IsParquet(string name) =>
        name.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".geoparquet", StringComparison.OrdinalIgnoreCase);

    /// <summary>Names compared with runs of digits as numbers, the rest ordinally.</summary>
    private static readonly Comparer<string> NaturalOrder = Comparer<string>.Create(static (a, b) =>
    {
        int i = 0, j = 0;
        while (i < a.Length && j < b.Length)
        {
            if (char.IsAsciiDigit(a[i]) && char.IsAsciiDigit(b[j]))
            {
                int si = i, sj = j;
                while (i < a.Length && char.IsAsciiDigit(a[i])) i++;
                while (j < b.Length && char.IsAsciiDigit(b[j])) j++;
                var x = a.AsSpan(si, i - si).TrimStart('0');
                var y = b.AsSpan(sj, j - sj).TrimStart('0');
                var byNumber = x.Length != y.Length ? x.Length.CompareTo(y.Length) : x.SequenceCompareTo(y);
                if (byNumber != 0) return byNumber;
                continue;
            }
            if (a[i] != b[j]) return a[i].CompareTo(b[j]);
            i++;
            j++;
        }
        var byRest = (a.Length - i).CompareTo(b.Length - j);
        // Equal as numbers ("01" and "1"): fall back to ordinal, so the order stays total.
        return byRest != 0 ? byRest : string.CompareOrdinal(a, b);
    });
}
