namespace StacPkg.Core.Lock;

/// <summary>
/// An asset lock file that cannot be read or written as asked: not a lock, not readable Parquet, a
/// duplicate row, a row that breaks a row rule (<see cref="AssetLockRowRules"/>). The message names the file (and the row, when
/// there is one).
/// </summary>
public sealed class AssetLockException : Exception
{
    public AssetLockException(string path, long? row, string reason, Exception? inner = null)
        : base(Describe(path, row, reason), inner)
    {
        Path = path;
        Row = row;
        Reason = reason;
    }

    /// <summary>The lock file.</summary>
    public string Path { get; }

    /// <summary>The 1-based row the error is about, or null for the file as a whole.</summary>
    public long? Row { get; }

    /// <summary>The message without the file and row.</summary>
    public string Reason { get; }

    private static string Describe(string path, long? row, string reason) =>
        row is { } r ? $"{path}: row {r}: {reason}" : $"{path}: {reason}";
}
