using System.Globalization;

namespace StacPkg.Core.Lock;

/// <summary>
/// The ETag the Python stacpkg (through obstore, Rust object_store's local file system) records for
/// a file: <c>&lt;inode&gt;-&lt;mtime in µs since the epoch&gt;-&lt;size&gt;</c>, each lower-case hex. It is
/// never the ETag this module reports for a file (<c>"&lt;mtime s&gt;-&lt;size&gt;"</c>), so it is compared by
/// the facts it carries: the inode names a file on one machine only, the modification time and size
/// say whether the content is still the one locked.
/// </summary>
internal static class ObstoreFileETag
{
    /// <summary>True when <paramref name="etag"/> (without quotes) has that shape.</summary>
    public static bool TryParse(string etag, out long modifiedMicroseconds, out long size)
    {
        modifiedMicroseconds = 0;
        size = 0;
        var parts = etag.Split('-');
        return parts.Length == 3
            && ulong.TryParse(parts[0], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out _)
            && long.TryParse(parts[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out modifiedMicroseconds)
            && long.TryParse(parts[2], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out size);
    }

    /// <summary>Microseconds since the epoch, truncated as obstore computes them.</summary>
    public static long Microseconds(DateTimeOffset value) => (value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;
}
