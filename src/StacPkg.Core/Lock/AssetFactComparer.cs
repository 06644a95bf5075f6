using System.Globalization;
using StacPkg.Core.Stores;

namespace StacPkg.Core.Lock;

/// <summary>
/// Compares what a store reports with what the lock recorded, fact by fact, and says in a few words
/// what differs. A fact absent on either side is not compared.
/// </summary>
internal static class AssetFactComparer
{
    public static void Compare(AssetLockEntry locked, ObjectFacts observed, List<string> reasons)
    {
        if (locked.SizeBytes is { } lockedSize && observed.SizeBytes is { } size && size != lockedSize)
        {
            reasons.Add(string.Create(CultureInfo.InvariantCulture, $"size {size} != locked {lockedSize}"));
        }
        if (!string.IsNullOrEmpty(locked.ETag) && !string.IsNullOrEmpty(observed.ETag))
        {
            var a = NormalizeETag(observed.ETag);
            var b = NormalizeETag(locked.ETag);
            if (locked.StoreType == "file" && ObstoreFileETag.TryParse(b, out var lockedMicroseconds, out var etagSize))
            {
                // Another implementation's file ETag: compared by the mtime and size it carries.
                if (observed.LastModified is { } m && ObstoreFileETag.Microseconds(m) != lockedMicroseconds
                    || observed.SizeBytes is { } s && s != etagSize)
                {
                    reasons.Add($"etag \"{b}\" (inode-mtime-size) does not match the file's modification time and size");
                }
            }
            else if (a != b)
            {
                reasons.Add($"etag \"{a}\" != locked \"{b}\"");
            }
        }
        if (!string.IsNullOrEmpty(locked.LastModified) && observed.LastModified is { } modified)
        {
            if (!LockTimestamp.TryParse(locked.LastModified, out var lockedModified))
            {
                reasons.Add($"locked last_modified '{locked.LastModified}' is not a timestamp");
            }
            else if (LockTimestamp.ToSecond(modified) != LockTimestamp.ToSecond(lockedModified))
            {
                reasons.Add($"last-modified {LockTimestamp.Format(modified)} != locked {locked.LastModified}");
            }
        }
    }

    /// <summary>
    /// The ETag as a validator value: without the weak prefix and the quotes, so <c>W/"abc"</c>,
    /// <c>"abc"</c> and <c>abc</c> (some SDKs strip the quotes) compare equal. A multipart ETag
    /// (<c>…-N</c>) is an opaque value like any other: it is not an MD5 and is never treated as one.
    /// </summary>
    public static string NormalizeETag(string etag)
    {
        var value = etag.Trim();
        if (value.StartsWith("W/", StringComparison.OrdinalIgnoreCase))
        {
            value = value[2..];
        }
        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
        {
            value = value[1..^1];
        }
        return value;
    }
}
